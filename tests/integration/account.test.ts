import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as keysRoute from "@/app/api/user/api-keys/route";
import * as passwordRoute from "@/app/api/user/password/route";
import * as userRoute from "@/app/api/user/route";
import { getDb, QUERY_CHANNEL } from "@/lib/db/client";
import { rowsOf } from "@/lib/db/prepared";
import { consumePoint } from "@/lib/db/counters";
import { rateLimit } from "@/lib/db/schema";
import { chatCounter } from "@/lib/rate-limits";
import { getProviderByRegistryId } from "@/lib/db/providers";
import { type Answer, call } from "../fixtures/http";
import { registeredAccount, sessionOnly, signInThroughRoute } from "../fixtures/next-auth";

/** Account controls: change the password (ends the other sessions), delete the account (everything goes). */
async function signedIn(name: string) {
  const account = await registeredAccount(name);
  const browser = sessionOnly((await signInThroughRoute(account.email, account.password)).cookies);
  return { ...account, browser };
}

function changePassword(cookie: string, body: unknown): Promise<Answer<Record<string, unknown>>> {
  return call(passwordRoute.POST, { method: "POST", path: "/api/user/password", body, headers: { cookie } });
}

function deleteAccount(
  cookie: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Answer<Record<string, unknown>>> {
  return call(userRoute.DELETE, { method: "DELETE", path: "/api/user", body, headers: { cookie, ...headers } });
}

const listStatus = async (cookie: string) => (await call(keysRoute.GET, { headers: { cookie } })).status;

/** Every table with a foreign key to "User", and what happens to its rows when the user goes. */
/** Every foreign key to User: the table, its column (quoted), and what a delete of the user does to the row. */
async function tablesReferencingUser(): Promise<{ table: string; column: string; onDelete: string }[]> {
  const result = await (
    await getDb()
  ).execute(sql`
    select c.conrelid::regclass::text as "table", quote_ident(a.attname) as "column", c.confdeltype as "onDelete"
    from pg_constraint c
    join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
    where c.contype = 'f' and c.confrelid = '"User"'::regclass`);
  return rowsOf(result);
}

describe("POST /api/user/password", () => {
  it("changes the password with the current one, keeps this session and ends every other", async () => {
    const ada = await signedIn("ada");
    const phone = sessionOnly((await signInThroughRoute(ada.email, ada.password)).cookies);
    const answer = await changePassword(ada.browser, {
      currentPassword: ada.password,
      newPassword: "a brand new password",
    });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json).toEqual({ success: true });
    expect(await listStatus(ada.browser)).toBe(200);
    expect(await listStatus(phone)).toBe(401);
    expect((await signInThroughRoute(ada.email, "a brand new password")).outcome).toBe("signed-in");
    expect((await signInThroughRoute(ada.email, ada.password)).outcome).toBe("refused");
  });

  it("answers 400 wrong_password for a wrong current password, and changes nothing", async () => {
    const ada = await signedIn("ada");
    const phone = sessionOnly((await signInThroughRoute(ada.email, ada.password)).cookies);
    const answer = await changePassword(ada.browser, {
      currentPassword: "not it",
      newPassword: "a brand new password",
    });
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ error: "Your current password is not right.", code: "wrong_password" });
    expect(await listStatus(phone)).toBe(200);
    expect((await signInThroughRoute(ada.email, ada.password)).outcome).toBe("signed-in");
  });

  it("answers 400 naming the field for a new password that is too short, and 429 after 10 wrong ones", async () => {
    const ada = await signedIn("ada");
    const short = await changePassword(ada.browser, { currentPassword: ada.password, newPassword: "short" });
    expect(short.status).toBe(400);
    expect(short.json).toMatchObject({ code: "invalid_body", fields: { newPassword: "Use at least 8 characters." } });
    for (let i = 0; i < 10; i++)
      expect((await changePassword(ada.browser, { currentPassword: "guess", newPassword: "long enough" })).status).toBe(
        400,
      );
    const limited = await changePassword(ada.browser, { currentPassword: ada.password, newPassword: "long enough" });
    expect(limited.status).toBe(429);
    expect(limited.json).toMatchObject({ code: "rate_limited" });
  });
});

describe("DELETE /api/user", () => {
  it("every table that references User deletes its rows with the user (ON DELETE CASCADE)", async () => {
    const tables = await tablesReferencingUser();
    expect(tables.map((t) => t.table)).toEqual(expect.arrayContaining(['"UserApiKey"', '"Session"']));
    expect(tables.filter((t) => t.onDelete !== "c")).toEqual([]);
  });

  it("deletes the account with its password: the user, its keys and sessions are gone, nobody else's", async () => {
    const ada = await signedIn("ada");
    const bob = await signedIn("bob");
    const providerId = (await getProviderByRegistryId("openai"))!.id;
    for (const who of [ada, bob]) {
      const saved = await call(keysRoute.POST, {
        method: "POST",
        body: { providerId, apiKey: "sk-test-valid-0123456789abcdef", skipValidation: true },
        headers: { cookie: who.browser },
      });
      expect(saved.status).toBe(200);
    }
    const phone = sessionOnly((await signInThroughRoute(ada.email, ada.password)).cookies);

    expect((await deleteAccount(ada.browser, { password: "not it" })).json).toMatchObject({ code: "wrong_password" });
    const answer = await deleteAccount(ada.browser, { password: ada.password });
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json).toEqual({ success: true });

    const db = await getDb();
    for (const { table, column } of await tablesReferencingUser()) {
      const [row] = rowsOf<{ n: number }>(
        await db.execute(sql.raw(`select count(*)::int as n from ${table} where ${column} = '${ada.id}'`)),
      );
      expect(row!.n, table).toBe(0);
    }
    const [users] = rowsOf<{ n: number }>(
      await db.execute(sql`select count(*)::int as n from "User" where id = ${ada.id}`),
    );
    expect(users!.n).toBe(0);
    expect([await listStatus(ada.browser), await listStatus(phone)]).toEqual([401, 401]);
    expect((await signInThroughRoute(ada.email, ada.password)).outcome).toBe("refused");
    expect((await call<unknown[]>(keysRoute.GET, { headers: { cookie: bob.browser } })).json).toHaveLength(1);
  });

  it("deletes the rate-limit rows that name the user or their email, in the statement that deletes the user", async () => {
    const ada = await signedIn("ada");
    const bob = await signedIn("bob");
    for (const who of [ada, bob]) {
      // A stranger's failed sign-in (no device cookie) counts on signin:email:<address>.
      expect((await signInThroughRoute(who.email, "wrong password")).outcome).toBe("refused");
      await consumePoint(`validate:${who.id}`, 60);
      await consumePoint(chatCounter(who.id).key, 60);
    }
    const keysOf = async (who: { id: string; email: string }) =>
      (await (await getDb()).select({ key: rateLimit.key }).from(rateLimit))
        .map((row) => row.key)
        .filter((key) => key.includes(who.id) || key.includes(who.email))
        .sort();
    expect((await deleteAccount(ada.browser, { password: "not it" })).status).toBe(400); // password:<id> too
    expect(await keysOf(ada)).toEqual([
      `chat:${ada.id}`,
      `password:${ada.id}`,
      `signin:email:${ada.email}`,
      `validate:${ada.id}`,
    ]);
    const before = await keysOf(bob);
    expect(before).toHaveLength(3);

    const statements: string[] = [];
    const seen = (message: unknown) => statements.push((message as { query: string }).query);
    subscribe(QUERY_CHANNEL, seen);
    try {
      expect((await deleteAccount(ada.browser, { password: ada.password })).status).toBe(200);
    } finally {
      unsubscribe(QUERY_CHANNEL, seen);
    }
    expect(await keysOf(ada)).toEqual([]);
    expect(await keysOf(bob)).toEqual(before);
    const deleting = statements.filter((query) => /delete from "User"/i.test(query));
    expect(deleting).toHaveLength(1);
    expect(deleting[0]).toMatch(/delete from "RateLimit"/i);
  });

  it("refuses a cross-origin delete and a wrong password, and keeps the account", async () => {
    const ada = await signedIn("ada");
    expect(
      (await deleteAccount(ada.browser, { password: ada.password }, { origin: "https://evil.example" })).status,
    ).toBe(403);
    const wrong = await deleteAccount(ada.browser, { password: "not it" });
    expect(wrong.status).toBe(400);
    expect(wrong.json).toMatchObject({ code: "wrong_password" });
    expect(await listStatus(ada.browser)).toBe(200);
  });
});
