import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import type { JWT } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { peerHeaders } from "@/lib/http/client-address";
import { authOptions } from "@/lib/auth/options";
import * as registerRoute from "@/app/api/auth/register/route";
import { getDb } from "@/lib/db/client";
import { rateLimit, user } from "@/lib/db/schema";
import { type Answer, call } from "../fixtures/http";
import { captureLogs } from "../fixtures/logs";

function register(body: unknown, headers: Record<string, string> = {}): Promise<Answer<Record<string, unknown>>> {
  return call(registerRoute.POST, {
    method: "POST",
    path: "/api/auth/register",
    body,
    headers: { ...peerHeaders(randomIp()), ...headers },
  });
}

const randomIp = () =>
  `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
const email = () => `User.${randomUUID()}@Example.test`;
const logs = captureLogs();

describe("POST /api/auth/register", () => {
  it("creates an account (201 { id, email }) with the email lower-cased and the password hashed", async () => {
    const address = email();
    const password = `correct horse ${randomUUID()}`;
    const answer = await register({ email: address, password, name: "Ada" });
    expect(answer.status, answer.text).toBe(201);
    expect(answer.json).toEqual({ id: expect.any(String), email: address.toLowerCase() });
    const [row] = await (
      await getDb()
    )
      .select()
      .from(user)
      .where(eq(user.id, answer.json.id as string));
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

  it("answers 400 naming the field for a NUL byte in any field, before the database: nothing stored, nothing logged", async () => {
    const address = `nul.${randomUUID()}@x.test`;
    const password = `correct horse ${randomUUID()}`;
    for (const [field, body] of [
      ["name", { email: address, password, name: "a\u0000b" }],
      ["password", { email: address, password: `${password}\u0000` }],
      ["email", { email: `nul\u0000${address}`, password }],
    ] as const) {
      const answer = await register(body);
      expect(answer.status, `${field}: ${answer.text}`).toBe(400);
      expect(answer.json).toMatchObject({ code: "invalid_body", fields: { [field]: expect.stringContaining("NUL") } });
    }
    expect(await (await getDb()).select().from(user).where(eq(user.email, address))).toEqual([]);
    expect(
      logs.filter((line) => line.includes(address) || line.includes("$argon2") || line.includes(password)),
    ).toEqual([]);
  });

  it("refuses a cross-origin sign-up", async () => {
    const answer = await register({ email: email(), password: "long enough" }, { origin: "https://evil.example" });
    expect(answer.status).toBe(403);
  });
});

describe("the session token", () => {
  it("puts the user's uuid into the token and the session", async () => {
    const jwt = authOptions.callbacks!.jwt!;
    const session = authOptions.callbacks!.session!;
    const token = (await jwt({
      token: { sub: "x" },
      user: { id: "u-1", email: "a@b.c" },
      account: null,
    } as never)) as JWT;
    expect(token.id).toBe("u-1");
    const result = await session({ session: { user: { email: "a@b.c" }, expires: "" }, token } as never);
    expect(result).toMatchObject({ user: { id: "u-1", email: "a@b.c" } });
  });
});
