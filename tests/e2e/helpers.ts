import { randomUUID } from "node:crypto";
import { expect, type Page } from "@playwright/test";
import { DEMO_ACCOUNT } from "../../playwright.config";

export const password = "correct horse battery staple";

export function newEmail(name: string): string {
  return `${name}.${randomUUID().slice(0, 8)}@example.test`;
}

/** A key the fake providers answer as the word in it says: valid, invalid, limited, error500, slow… */
export function testKey(behaviour: string): string {
  return `sk-test-${behaviour}-${randomUUID().replaceAll("-", "")}`;
}

export function mask(key: string): string {
  return `${key.slice(0, 4)}${"*".repeat(key.length - 8)}${key.slice(-4)}`;
}

/** Creates the account through the UI and lands on /settings signed in. */
export async function registerThroughUi(page: Page, name: string): Promise<string> {
  const email = newEmail(name);
  await page.goto("/register");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/settings$/);
  return email;
}

/** Creates the account over HTTP, then signs in through the login form. */
export async function signUpAndSignIn(page: Page, name: string): Promise<string> {
  const email = newEmail(name);
  const created = await page.request.post("/api/auth/register", { data: { email, password } });
  expect(created.status()).toBe(201);
  await signIn(page, email, password);
  return email;
}

/** Signs in as the account dev/seed-demo-account.ts seeded (keys with usage, a rejected key). */
export async function signInAsDemo(page: Page): Promise<void> {
  await signIn(page, DEMO_ACCOUNT.email, DEMO_ACCOUNT.password);
}

async function signIn(page: Page, email: string, secret: string) {
  await page.goto("/login?callbackUrl=%2Fsettings");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(secret);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/settings$/);
}
