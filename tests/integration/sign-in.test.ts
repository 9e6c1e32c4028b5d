import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { randomAddress, registeredAccount, signInThroughRoute } from "../fixtures/next-auth";

/**
 * Credentials sign-in through the real next-auth route, and its limits: per account and per address for
 * browsers the account does not know, and a budget of their own for browsers holding the account's device cookie
 * (so that a stranger's failures never lock the owner out of a browser they have signed in from before).
 */
const email = () => `nobody.${randomUUID()}@example.test`;
const DEVICE = "byok-device";

describe("credentials sign-in", () => {
  it("signs in with the right password (email in any case), and not with a wrong one or an unknown email", async () => {
    const ada = await registeredAccount("ada");
    const address = randomAddress();
    expect((await signInThroughRoute(ada.email.toUpperCase(), ada.password, { address })).outcome).toBe("signed-in");
    expect((await signInThroughRoute(ada.email, `${ada.password}x`, { address })).outcome).toBe("refused");
    expect((await signInThroughRoute(email(), ada.password, { address })).outcome).toBe("refused");
    expect((await signInThroughRoute("not an email", ada.password, { address })).outcome).toBe("refused");
  });

  it("locks an account for unknown browsers after 10 failures, even from new addresses and with the right password", async () => {
    const ada = await registeredAccount("ada");
    for (let i = 0; i < 10; i++)
      expect((await signInThroughRoute(ada.email, "wrong password")).outcome).toBe("refused");
    const held = await signInThroughRoute(ada.email, ada.password);
    expect(held.outcome).toBe("locked");
    expect(decodeURIComponent(held.answer.json.url)).toContain(
      "Too many failed sign-in attempts. Try again in 15 minutes.",
    );
  });

  it("locks an address after 50 failures across emails; successes do not count", async () => {
    const address = randomAddress();
    const ada = await registeredAccount("ada");
    for (let i = 0; i < 12; i++)
      expect((await signInThroughRoute(ada.email, ada.password, { address })).outcome).toBe("signed-in");
    for (let i = 0; i < 50; i++)
      expect((await signInThroughRoute(email(), "wrong password", { address })).outcome).toBe("refused");
    expect((await signInThroughRoute(ada.email, ada.password, { address })).outcome).toBe("locked");
    expect((await signInThroughRoute(ada.email, ada.password)).outcome).toBe("signed-in");
  });

  it("counts a burst of parallel guesses before checking any: at most 10 passwords are tried", async () => {
    const ada = await registeredAccount("ada");
    const outcomes = await Promise.all(
      Array.from({ length: 30 }, () => signInThroughRoute(ada.email, "wrong password")),
    );
    expect(outcomes.filter((o) => o.outcome === "refused")).toHaveLength(10);
    expect(outcomes.filter((o) => o.outcome === "locked")).toHaveLength(20);
  });
});

describe("device cookies", () => {
  it("a successful sign-in gives the browser a signed, HttpOnly, SameSite=Lax device cookie for the auth routes only", async () => {
    const ada = await registeredAccount("ada");
    const { answer, cookies } = await signInThroughRoute(ada.email, ada.password);
    const line = answer.headers.getSetCookie().find((c) => c.startsWith(`${DEVICE}=`));
    expect(line).toBeDefined();
    expect(line).toMatch(/; HttpOnly/i);
    expect(line).toMatch(/; SameSite=Lax/i);
    expect(line).toMatch(/; Path=\/api\/auth(;|$)/i);
    expect(line).toMatch(/; Max-Age=\d+/i);
    expect(cookies[DEVICE]).not.toContain(ada.email);
    expect((await signInThroughRoute(ada.email, "wrong password")).cookies[DEVICE]).toBeUndefined();
  });

  it("the owner's known browser signs in after a stranger's 20 failures; the stranger, and a new browser, are held", async () => {
    const ada = await registeredAccount("ada");
    const owner = (await signInThroughRoute(ada.email, ada.password)).cookies;

    const stranger = [];
    for (let i = 0; i < 20; i++) stranger.push((await signInThroughRoute(ada.email, "wrong password")).outcome);
    expect(stranger.filter((o) => o === "refused")).toHaveLength(10);
    expect(stranger.filter((o) => o === "locked")).toHaveLength(10);
    expect((await signInThroughRoute(ada.email, ada.password)).outcome).toBe("locked");

    const known = await signInThroughRoute(ada.email, ada.password, { cookies: { [DEVICE]: owner[DEVICE]! } });
    expect(known.outcome).toBe("signed-in");
    expect(known.cookies[DEVICE]).toEqual(expect.any(String));
  });

  it("a device cookie has its own budget: 5 failures void it", async () => {
    const ada = await registeredAccount("ada");
    const device = { [DEVICE]: (await signInThroughRoute(ada.email, ada.password)).cookies[DEVICE]! };
    for (let i = 0; i < 10; i++) await signInThroughRoute(ada.email, "wrong password"); // unknown browsers are now held

    for (let i = 0; i < 4; i++)
      expect((await signInThroughRoute(ada.email, "wrong password", { cookies: device })).outcome).toBe("refused");
    const fresh = (await signInThroughRoute(ada.email, ada.password, { cookies: device })).cookies[DEVICE]!;
    expect(fresh).not.toBe(device[DEVICE]);

    const renewed = { [DEVICE]: fresh };
    for (let i = 0; i < 5; i++)
      expect((await signInThroughRoute(ada.email, "wrong password", { cookies: renewed })).outcome).toBe("refused");
    expect((await signInThroughRoute(ada.email, ada.password, { cookies: renewed })).outcome).toBe("locked");
  });

  it("a cookie for another account, or a tampered one, counts as an unknown browser", async () => {
    const ada = await registeredAccount("ada");
    const eve = await registeredAccount("eve");
    const eves = (await signInThroughRoute(eve.email, eve.password)).cookies[DEVICE]!;
    const adas = (await signInThroughRoute(ada.email, ada.password)).cookies[DEVICE]!;
    for (let i = 0; i < 10; i++) await signInThroughRoute(ada.email, "wrong password");

    const [nonce, signature] = adas.split(".");
    // The signature's FIRST character changed: all six of its bits are data (the last one of a 32-byte signature
    // carries two bits of padding, and replacing the last two with "AA" left one cookie in ~1,000 unchanged).
    const flipped = `${signature![0] === "A" ? "B" : "A"}${signature!.slice(1)}`;
    const tampered = [`${nonce}x.${signature}`, `${nonce}.${flipped}`, "garbage", "", `${nonce}`];
    for (const cookie of [eves, ...tampered]) {
      expect(
        (await signInThroughRoute(ada.email, ada.password, { cookies: { [DEVICE]: cookie } })).outcome,
        cookie,
      ).toBe("locked");
    }
    expect((await signInThroughRoute(ada.email, ada.password, { cookies: { [DEVICE]: adas } })).outcome).toBe(
      "signed-in",
    );
  });
});
