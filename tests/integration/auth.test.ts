import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import type { JWT } from "next-auth/jwt";
import type { CredentialsConfig } from "next-auth/providers/credentials";
import { describe, expect, it } from "vitest";
import { peerHeaders } from "@/lib/api/client-address";
import { authOptions } from "@/lib/auth/options";
import * as registerRoute from "@/app/api/auth/register/route";
import { getDb } from "@/lib/db/client";
import { rateLimit, user } from "@/lib/db/schema";
import { type Answer, call } from "../fixtures/http";

const credentials = authOptions.providers[0] as unknown as { options: Pick<CredentialsConfig, "authorize"> };

function register(body: unknown, headers: Record<string, string> = {}): Promise<Answer<Record<string, unknown>>> {
  return call(registerRoute.POST, { method: "POST", path: "/api/auth/register", body, headers: { ...peerHeaders(randomIp()), ...headers } });
}

function signIn(email: string, password: string, ip: string) {
  const req = { headers: peerHeaders(ip), body: {}, query: {}, method: "POST" };
  return credentials.options.authorize({ email, password }, req);
}

const randomIp = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
const email = () => `User.${randomUUID()}@Example.test`;

describe("POST /api/auth/register", () => {
  it("creates an account (201 { id, email }) with the email lower-cased and the password hashed", async () => {
    const address = email();
    const password = `correct horse ${randomUUID()}`;
    const answer = await register({ email: address, password, name: "Ada" });
    expect(answer.status, answer.text).toBe(201);
    expect(answer.json).toEqual({ id: expect.any(String), email: address.toLowerCase() });
    const [row] = await (await getDb()).select().from(user).where(eq(user.id, answer.json.id as string));
    expect(row!.passwordHash).toMatch(/^\$argon2id\$/);
    expect(JSON.stringify(row)).not.toContain(password);
  });

  it("answers 409 when the email exists, in any case", async () => {
    const address = email();
    expect((await register({ email: address, password: "password-1" })).status).toBe(201);
    const again = await register({ email: address.toUpperCase(), password: "password-2" });
    expect(again.status).toBe(409);
    expect(again.json).toEqual({ error: "An account with this email already exists.", code: "email_taken" });
  });

  it.each([
    ["a bad email", { email: "not-an-email", password: "long enough" }, "email"],
    ["a short password", { email: email(), password: "1234567" }, "password"],
    ["no password", { email: email() }, "password"],
    ["a password that is a number", { email: email(), password: 123456789 }, "password"],
    ["an extra field", { email: email(), password: "long enough", role: "admin" }, "role"],
  ])("answers 400 for %s, naming the field", async (_name, body, field) => {
    const answer = await register(body);
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ code: "invalid_body", fields: { [field]: expect.any(String) } });
  });

  it("keeps rate-limit keys short, whatever a proxy forwarded as the client address", async () => {
    const junk = `${"x".repeat(8_000)}-${randomUUID()}`;
    expect((await register({ email: email(), password: "long enough" }, peerHeaders(junk))).status).toBe(201);
    const keys = await (await getDb()).select({ key: rateLimit.key }).from(rateLimit);
    expect(keys.length).toBeGreaterThan(0);
    expect(Math.max(...keys.map((k) => k.key.length))).toBeLessThanOrEqual(300);
    expect(keys.some((k) => k.key.includes("xxxxxxxx"))).toBe(false);
  });

  it("refuses a cross-origin sign-up", async () => {
    const answer = await register({ email: email(), password: "long enough" }, { origin: "https://evil.example" });
    expect(answer.status).toBe(403);
  });
});

describe("credentials sign-in", () => {
  async function account() {
    const address = email();
    const password = `pw-${randomUUID()}`;
    const answer = await register({ email: address, password });
    return { id: answer.json.id as string, email: address, password };
  }

  it("signs in with the right password (email in any case), and not with a wrong one or an unknown email", async () => {
    const ada = await account();
    const ip = randomIp();
    expect(await signIn(ada.email.toUpperCase(), ada.password, ip)).toMatchObject({ id: ada.id, email: ada.email.toLowerCase() });
    expect(await signIn(ada.email, `${ada.password}x`, ip)).toBeNull();
    expect(await signIn(email(), ada.password, ip)).toBeNull();
    expect(await signIn("not an email", ada.password, ip)).toBeNull();
  });

  it("locks an email after 10 failures, even from new addresses and with the right password", async () => {
    const ada = await account();
    for (let i = 0; i < 10; i++) expect(await signIn(ada.email, "wrong password", randomIp())).toBeNull();
    await expect(signIn(ada.email, ada.password, randomIp())).rejects.toThrow(/Too many failed sign-in attempts\. Try again in 15 minutes\./);
  });

  it("locks an address after 50 failures across emails; successes do not count", async () => {
    const ip = randomIp();
    const ada = await account();
    for (let i = 0; i < 12; i++) expect(await signIn(ada.email, ada.password, ip)).not.toBeNull();
    for (let i = 0; i < 50; i++) expect(await signIn(email(), "wrong password", ip)).toBeNull();
    await expect(signIn(ada.email, ada.password, ip)).rejects.toThrow(/Too many failed sign-in attempts/);
    expect(await signIn(ada.email, ada.password, randomIp())).not.toBeNull();
  });

  it("counts a burst of parallel guesses before checking any: at most 10 passwords are tried", async () => {
    const ada = await account();
    const outcomes = await Promise.allSettled(Array.from({ length: 30 }, () => signIn(ada.email, "wrong password", randomIp())));
    const tried = outcomes.filter((o) => o.status === "fulfilled");
    const refused = outcomes.filter((o) => o.status === "rejected");
    expect(tried.length).toBe(10);
    expect(refused.length).toBe(20);
    expect(String((refused[0] as PromiseRejectedResult).reason)).toMatch(/Too many failed sign-in attempts/);
  });

  it("puts the user's uuid into the token and the session", async () => {
    const jwt = authOptions.callbacks!.jwt!;
    const session = authOptions.callbacks!.session!;
    const token = (await jwt({ token: { sub: "x" }, user: { id: "u-1", email: "a@b.c" }, account: null } as never)) as JWT;
    expect(token.id).toBe("u-1");
    const result = await session({ session: { user: { email: "a@b.c" }, expires: "" }, token } as never);
    expect(result).toMatchObject({ user: { id: "u-1", email: "a@b.c" } });
  });
});
