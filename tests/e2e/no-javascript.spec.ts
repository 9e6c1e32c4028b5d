import { readFileSync } from "node:fs";
import type { BrowserContext, Page, Request } from "@playwright/test";
import { APP_LOG } from "../../playwright.config";
import { expect, test } from "./fixtures";
import { mask, newEmail, testKey } from "./helpers";

/**
 * The sign-in and sign-up forms are real POST forms (lib/api/form-sign-in.ts): they work with JavaScript off,
 * and before the page's JavaScript has run, and neither the email nor the password ever lands in a URL — not
 * the address bar, not the history, not a request the browser made, not the server's log.
 */

/** Every request the browser makes from the page, as `METHOD url`. */
function watchRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on("request", (request: Request) => seen.push(`${request.method()} ${request.url()}`));
  return seen;
}

/** The tab's history, as Chromium keeps it. */
async function history(context: BrowserContext, page: Page): Promise<string[]> {
  const cdp = await context.newCDPSession(page);
  const { entries } = (await cdp.send("Page.getNavigationHistory")) as { entries: { url: string }[] };
  await cdp.detach();
  return entries.map((entry) => entry.url);
}

/** No URL holds the secret, as it is or encoded, and none has a query field named like a credential. */
function expectNoCredentials(urls: string[], secrets: string[]) {
  expect(urls.length).toBeGreaterThan(0);
  for (const url of urls) {
    for (const secret of secrets) {
      expect(url).not.toContain(secret);
      expect(url).not.toContain(encodeURIComponent(secret));
      expect(url).not.toContain(new URLSearchParams({ s: secret }).toString().slice(2));
    }
    expect(url).not.toMatch(/[?&](email|password)=/i);
  }
}

function expectNotInServerLog(secrets: string[]) {
  const log = readFileSync(APP_LOG, "utf8");
  expect(log.length).toBeGreaterThan(0);
  for (const secret of secrets) {
    expect(log).not.toContain(encodeURIComponent(secret));
    expect(log).not.toContain(new URLSearchParams({ s: secret }).toString().slice(2));
  }
  expect(log).not.toMatch(/[?&](email|password)=/i);
}

async function fillSignUp(page: Page, email: string, secret: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(secret);
  await page.getByRole("button", { name: "Create account" }).click();
}

async function fillSignIn(page: Page, email: string, secret: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(secret);
  await page.getByRole("button", { name: "Sign in" }).click();
}

const secretPassword = () => `no js & "quotes" ${newEmail("pw")}`;

test.describe("with JavaScript turned off", () => {
  test.use({ javaScriptEnabled: false });

  test("signing up, failing to sign in, and signing in: POST forms, no credential in any URL, the history or the log", async ({
    page,
    context,
  }) => {
    const requests = watchRequests(page);
    const email = newEmail("nojs");
    const secret = secretPassword();

    await page.goto("/register");
    await fillSignUp(page, email, secret);
    await expect(page).toHaveURL(/\/settings$/);
    await expect(page.getByText(`Signed in as ${email}`)).toBeVisible();
    expect(requests).toContain(`POST ${new URL("/api/auth/register", page.url()).href}`);

    // Signing out is a form too: the session ends, /settings sends the browser to sign in.
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect(page).toHaveURL(/\/login\?signedOut=1$/);
    await expect(page.getByText("You have signed out.")).toBeVisible();
    await page.goto("/settings");
    await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fsettings$/);
    await page.goto("/login?callbackUrl=%2Fsettings%3Ffrom%3Dnojs");
    await fillSignIn(page, email, "not the password");
    await expect(page).toHaveURL(/\/login\?error=CredentialsSignin&callbackUrl=%2Fsettings%3Ffrom%3Dnojs$/);
    await expect(page.getByRole("alert")).toHaveText("Incorrect email or password.");

    await fillSignIn(page, email, secret);
    await expect(page).toHaveURL(/\/settings\?from=nojs$/);
    await expect(page.getByText(`Signed in as ${email}`)).toBeVisible();
    expect(requests.filter((r) => r.startsWith("POST ") && r.endsWith("/api/auth/login"))).toHaveLength(2);
    expect(requests.filter((r) => r.startsWith("POST ") && r.endsWith("/api/auth/logout"))).toHaveLength(1);

    // Sign-up with a taken email, and with a short password: the page says what is wrong.
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect(page).toHaveURL(/\/login\?signedOut=1$/);
    await page.goto("/register");
    await fillSignUp(page, email, secret);
    await expect(page).toHaveURL(/\/register\?error=email_taken$/);
    await expect(page.getByRole("alert")).toHaveText("An account with this email already exists. Sign in instead.");
    await fillSignUp(page, newEmail("nojs"), "tiny7");
    await expect(page).toHaveURL(/\/register\?error=short_password$/);
    await expect(page.getByRole("alert")).toHaveText("Use at least 8 characters for your password.");

    expectNoCredentials(
      [page.url(), ...requests, ...(await history(context, page))],
      [email, secret, "tiny7", "not the password"],
    );
    expectNotInServerLog([email, secret]);
  });

  test("/settings shows the provider cards, their badges and masks, and says its buttons need JavaScript", async ({
    page,
    context,
  }) => {
    const email = newEmail("nojs-settings");
    const secret = secretPassword();
    await page.goto("/register");
    await fillSignUp(page, email, secret);
    await expect(page).toHaveURL(/\/settings$/);

    // A key saved over the API (the dialog needs JavaScript), then the page read again without it.
    const providers = (await (await page.request.get("/api/providers")).json()) as { id: string; registryId: string }[];
    const key = testKey("valid");
    const saved = await page.request.post("/api/user/api-keys", {
      data: { providerId: providers.find((p) => p.registryId === "openai")!.id, apiKey: key },
    });
    expect(saved.ok(), await saved.text()).toBe(true);
    await page.reload();

    const openai = page.getByTestId("provider-card-openai");
    await expect(openai.getByText("API Key Set")).toBeVisible();
    await expect(openai.getByText(/Verified/)).toBeVisible();
    await expect(openai.getByTestId("masked-key")).toHaveText(mask(key));
    await expect(page.getByTestId("provider-card-anthropic").getByText("API Key Required")).toBeVisible();
    await expect(page.locator("[data-testid^=provider-card-]")).toHaveCount(8);
    await expect(page.getByRole("note")).toContainText("JavaScript is turned off");
    await expect(page.getByRole("note")).toContainText("turn it on for this site and reload the page");
    // The password form cannot be sent without its script: its button is disabled, and it is a POST form anyway.
    await expect(page.getByRole("button", { name: "Change password" })).toBeDisabled();
    await expect(page.getByRole("form", { name: "Change password" })).toHaveAttribute("method", "post");
    expect(await page.content()).not.toContain(key);
    expectNoCredentials([page.url(), ...(await history(context, page))], [email, secret]);
  });
});

test.describe("with JavaScript, before the page has hydrated", () => {
  /** Holds every script of the app until `release()`: the page is as a slow phone shows it, not yet interactive. */
  async function holdScripts(page: Page) {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const held: string[] = [];
    await page.route(/\/_next\/static\/.+\.js(\?|$)/, async (route) => {
      held.push(route.request().url());
      await released;
      await route.continue();
    });
    return { held, release };
  }

  test("the forms post natively, sign in and up, and no credential reaches a URL or the history", async ({
    page,
    context,
  }) => {
    const requests = watchRequests(page);
    const email = newEmail("early");
    const secret = secretPassword();
    const scripts = await holdScripts(page);

    await page.goto("/register", { waitUntil: "domcontentloaded" });
    await fillSignUp(page, email, secret);
    await expect(page).toHaveURL(/\/settings$/);
    await expect(page.getByText(`Signed in as ${email}`)).toBeVisible();

    await context.clearCookies();
    await page.goto("/login", { waitUntil: "domcontentloaded" });
    await fillSignIn(page, email, secret);
    await expect(page).toHaveURL(/\/settings$/);
    await expect(page.getByText(`Signed in as ${email}`)).toBeVisible();

    // The scripts were asked for and held: the submits happened before hydration, as native form posts.
    expect(scripts.held.length).toBeGreaterThan(0);
    expect(requests.filter((r) => r.startsWith("POST ") && /\/api\/auth\/(register|login)$/.test(r))).toHaveLength(2);
    expect(requests.some((r) => r.includes("/api/auth/callback/credentials"))).toBe(false);
    expectNoCredentials([page.url(), ...requests, ...(await history(context, page))], [email, secret]);
    expectNotInServerLog([email, secret]);
    scripts.release();
    await page.unrouteAll({ behavior: "ignoreErrors" });
  });
});
