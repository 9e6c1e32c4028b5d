import { expect, test } from "./fixtures";
import { OFF_SITE_PAYLOADS } from "../fixtures/redirect-payloads";
import { newEmail, password, registerThroughUi, signUpAndSignIn } from "./helpers";

test("signed-out visitors are sent to /login and come back after signing in", async ({ page }) => {
  const email = newEmail("eve");
  expect((await page.request.post("/api/auth/register", { data: { email, password } })).status()).toBe(201);
  await page.goto("/settings");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fsettings/);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("wrong password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("form").getByRole("alert")).toHaveText("Incorrect email or password.");
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/settings$/);
  await expect(page.getByTestId("signed-in-email")).toHaveText(email);

  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/settings");
  await expect(page).toHaveURL(/\/login/);
});

test("a signed-out request for /settings is redirected over plain HTTP, before anything streams", async ({
  request,
}) => {
  const answer = await request.get("/settings", { maxRedirects: 0 });
  expect(answer.status()).toBe(307);
  expect(answer.headers().location).toMatch(/\/login\?callbackUrl=%2Fsettings$/);
});

test("the forms show field-level errors", async ({ page }) => {
  await page.goto("/register");
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Enter a valid email address.")).toBeVisible();
  await expect(page.getByText("Use at least 8 characters.")).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveAttribute("aria-invalid", "true");

  const email = await registerThroughUi(page, "frank");
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/register");
  await page.getByLabel("Email").fill(email.toUpperCase());
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("An account with this email already exists.")).toBeVisible();
});

test("credentials sign-in works over plain HTTP, as the OpenAPI document describes", async ({ request }) => {
  const email = newEmail("http");
  const created = await request.post("/api/auth/register", { data: { email, password } });
  expect(created.status()).toBe(201);
  const { id } = await created.json();
  const { csrfToken } = await (await request.get("/api/auth/csrf")).json();
  const signIn = await request.post("/api/auth/callback/credentials", {
    form: { csrfToken, email, password, json: "true" },
  });
  expect(signIn.ok()).toBe(true);
  const session = await (await request.get("/api/auth/session")).json();
  expect(session.user).toMatchObject({ id, email });
  expect((await request.get("/api/user/api-keys")).status()).toBe(200);
});

test("signed in, /login?callbackUrl=<payload> redirects (307) to a path of this site, for every payload", async ({
  page,
  baseURL,
}) => {
  await signUpAndSignIn(page, "redirect");
  const site = new URL(baseURL!).origin;
  for (const payload of OFF_SITE_PAYLOADS) {
    const answer = await page.request.get(`/login?callbackUrl=${encodeURIComponent(payload)}`, { maxRedirects: 0 });
    expect(answer.status(), payload).toBe(307);
    const target = new URL(answer.headers().location!, `${site}/login`);
    expect(target.origin, payload).toBe(site);
    expect(target.pathname, payload).not.toMatch(/^\/[\\/]/);
  }
});

test("signing in from /login?callbackUrl=/.//evil.example ends on this site", async ({ page, baseURL }) => {
  const email = newEmail("dot");
  expect((await page.request.post("/api/auth/register", { data: { email, password } })).status()).toBe(201);
  await page.goto(`/login?callbackUrl=${encodeURIComponent("/.//evil.example")}`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(`${new URL(baseURL!).origin}/settings`);
});

test("a session cookie kept from before sign-out no longer opens /settings or the API", async ({ page }) => {
  await signUpAndSignIn(page, "replay");
  const token = (await page.context().cookies()).find((c) => c.name === "next-auth.session-token")!;
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.context().addCookies([token]);
  expect((await page.request.get("/api/user/api-keys")).status()).toBe(401);
  await page.goto("/settings");
  await expect(page).toHaveURL(/\/login\?callbackUrl=%2Fsettings$/);
});
