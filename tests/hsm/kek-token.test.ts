import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { open as openEnvelope } from "@/lib/crypto/envelope";
import { checkKeks } from "@/lib/crypto/kek/check";
import { openLibrary, pkcs11js, type Handle, type Library, type Pkcs11js } from "@/lib/crypto/kek/pkcs11-library";
import { findSecretKeys } from "@/lib/crypto/kek/pkcs11-calls";
import { getDb } from "@/lib/db/client";
import { listProviders, type ProviderRecord } from "@/lib/db/providers";
import { userApiKey } from "@/lib/db/schema";
import { getUserApiKeys } from "@/lib/db/user-api-keys";
import type { PublicUser } from "@/lib/db/users";
import { KeyDecryptionError } from "@/lib/errors";
import { rotateApiKeys } from "@/lib/keys/rotate";
import { storeApiKey } from "@/lib/keys/vault";
import { toKeyView } from "@/lib/keys/view";
import { configureKeks, softHsmForThisFile } from "../fixtures/hsm";
import { keyringEntry } from "../fixtures/keyring";
import { runScript } from "../fixtures/scripts";
import { fakeKey, insertUser } from "../fixtures/users";

/**
 * The token's side of key-encryption keys, on a SoftHSM2 token of this file's own: `npm run kek:init`, a key that
 * never leaves the token, the start check naming each variable, and a database dump that the environment alone
 * cannot open once keys are under the token.
 */
const hsm = softHsmForThisFile(["kek-1"]);
const k1 = keyringEntry("k1");
let p11: Pkcs11js;
let library: Library;
let session: Handle;

beforeAll(async () => {
  p11 = await pkcs11js();
  library = openLibrary(p11, hsm.env.PKCS11_MODULE!);
  const slot = library
    .C_GetSlotList(true)
    .find((s) => library.C_GetTokenInfo(s).label.trim() === hsm.env.PKCS11_TOKEN_LABEL)!;
  session = library.C_OpenSession(slot, p11.CKF_SERIAL_SESSION | p11.CKF_RW_SESSION);
  library.C_Login(session, p11.CKU_USER, hsm.env.PKCS11_PIN!);
});
afterAll(() => library.C_CloseSession(session));

const kek = (label: string) => findSecretKeys(p11, library, session, label);

describe("npm run kek:init", () => {
  it("creates the first label's key once, inside the token, and says what it did", async () => {
    const first = await runScript("scripts/kek-init.ts", { PKCS11_KEY_LABELS: "kek-1,kek-0" });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(
      /^Token "byok-test" \(SoftHSM project SoftHSM v2, serial \w+\) through .+failing-pkcs11\.so:/,
    );
    expect(first.stdout).toContain(
      "kek-1: created an AES-256 key inside the token: CKA_SENSITIVE true, CKA_EXTRACTABLE false",
    );
    expect(first.stdout).toContain("kek-0: NOT in the token");
    expect(kek("kek-1")).toHaveLength(1);

    const again = await runScript("scripts/kek-init.ts", { PKCS11_KEY_LABELS: "kek-1" });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("kek-1: already there (AES-256, sensitive, never extractable); nothing created.");
    expect(kek("kek-1")).toHaveLength(1);
    expect(first.stdout + again.stdout).not.toContain(hsm.env.PKCS11_PIN!);
  });

  it("refuses, naming the variable, without a token configured", async () => {
    const result = await runScript("scripts/kek-init.ts", { PKCS11_MODULE: "" });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: PKCS11_MODULE is not set/m);
  });
});

describe("the token's key", () => {
  it("can never be read or taken out of the token", () => {
    const [key] = kek("kek-1");
    expect(() => library.C_GetAttributeValue(session, key!, [{ type: p11.CKA_VALUE }])).toThrow(
      /CKR_ATTRIBUTE_SENSITIVE/,
    );
    const flags = library
      .C_GetAttributeValue(session, key!, [
        { type: p11.CKA_SENSITIVE },
        { type: p11.CKA_EXTRACTABLE },
        { type: p11.CKA_ALWAYS_SENSITIVE },
        { type: p11.CKA_NEVER_EXTRACTABLE },
      ])
      .map((a) => (a.value as Buffer)[0]);
    expect(flags).toEqual([1, 0, 1, 1]);

    // Wrapped out by another key of the token: refused.
    const wrapper = library.C_GenerateKey(session, { mechanism: p11.CKM_AES_KEY_GEN }, [
      { type: p11.CKA_CLASS, value: p11.CKO_SECRET_KEY },
      { type: p11.CKA_KEY_TYPE, value: p11.CKK_AES },
      { type: p11.CKA_VALUE_LEN, value: 32 },
      { type: p11.CKA_TOKEN, value: false },
      { type: p11.CKA_WRAP, value: true },
    ]);
    expect(() =>
      library.C_WrapKey(session, { mechanism: p11.CKM_AES_KEY_WRAP_PAD }, wrapper, key!, Buffer.alloc(64)),
    ).toThrow(/CKR_KEY_UNEXTRACTABLE/);
    // Its flags cannot be relaxed.
    expect(() => library.C_SetAttributeValue(session, key!, [{ type: p11.CKA_EXTRACTABLE, value: true }])).toThrow(
      /CKR_/,
    );
    expect(() => library.C_SetAttributeValue(session, key!, [{ type: p11.CKA_SENSITIVE, value: false }])).toThrow(
      /CKR_/,
    );
    expect(() => library.C_GetAttributeValue(session, key!, [{ type: p11.CKA_VALUE }])).toThrow(
      /CKR_ATTRIBUTE_SENSITIVE/,
    );
  });
});

describe("start refuses what cannot be used, naming the variable", () => {
  const settings = {
    KEK_BACKEND: "pkcs11",
    PKCS11_KEY_LABELS: "kek-1",
    API_KEY_ENCRYPTION_KEYS: "",
    KEK_CACHE_SECONDS: "",
  };
  /** The start check in a process of its own, as a server starting (tests/fixtures/start-check.ts). */
  const refusal = async (env: Record<string, string>) => {
    const result = await runScript("tests/fixtures/start-check.ts", { ...settings, ...env });
    return result.code === 0 ? "started" : result.stderr.trim();
  };

  it("accepts the token as configured, and says which KEKs wrap and unwrap", async () => {
    expect(await refusal({})).toBe("started");
    configureKeks({ backend: "pkcs11", keyLabels: ["kek-1"], keyring: k1 }); // and in this process
    expect(await checkKeks()).toBe(
      "key-encryption keys: pkcs11:kek-1 wraps (pkcs11); pkcs11:kek-1, k1 unwrap; unwrapped data keys kept 60 s",
    );
  });

  it("a module, token, PIN or key that cannot be used", async () => {
    expect(await refusal({ PKCS11_MODULE: "/nowhere/libnothing.so" })).toMatch(
      /^PKCS11_MODULE: cannot load "\/nowhere\/libnothing\.so"/,
    );
    expect(await refusal({ PKCS11_TOKEN_LABEL: "no-such-token" })).toMatch(
      /^PKCS11_TOKEN_LABEL: no token labelled "no-such-token" in .+ \(it has "byok-test"\)/,
    );
    expect(await refusal({ PKCS11_PIN: "wrong-pin" })).toMatch(
      /^PKCS11_PIN: the token "byok-test" refused the PIN \(CKR_PIN_INCORRECT in C_Login\)/,
    );
    expect(await refusal({ PKCS11_KEY_LABELS: "kek-1,kek-9" })).toMatch(
      /^PKCS11_KEY_LABELS: the token "byok-test" holds no secret key labelled "kek-9".+kek:init/,
    );
    expect(await refusal({ PKCS11_KEY_LABELS: "bad label" })).toMatch(
      /^PKCS11_KEY_LABELS: "bad label" is not a key label/,
    );
  });

  it("a key that could leave the token", async () => {
    library.C_GenerateKey(session, { mechanism: p11.CKM_AES_KEY_GEN }, [
      { type: p11.CKA_CLASS, value: p11.CKO_SECRET_KEY },
      { type: p11.CKA_KEY_TYPE, value: p11.CKK_AES },
      { type: p11.CKA_VALUE_LEN, value: 32 },
      { type: p11.CKA_TOKEN, value: true },
      { type: p11.CKA_PRIVATE, value: true },
      { type: p11.CKA_LABEL, value: "loose" },
      { type: p11.CKA_SENSITIVE, value: false },
      { type: p11.CKA_EXTRACTABLE, value: true },
      { type: p11.CKA_ENCRYPT, value: true },
      { type: p11.CKA_DECRYPT, value: true },
    ]);
    expect(await refusal({ PKCS11_KEY_LABELS: "loose" })).toMatch(
      /^PKCS11_KEY_LABELS: the key "loose" cannot serve as a key-encryption key: it could leave the token/,
    );
  });

  it("settings that are incomplete or unknown (read before the token is touched)", async () => {
    const refused = async (env: Record<string, string>) => {
      configureKeks({ backend: "pkcs11", keyLabels: ["kek-1"] });
      vi.stubEnv("PKCS11_PIN", hsm.env.PKCS11_PIN!);
      for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
      return checkKeks().then(
        () => "started",
        (error: Error) => error.message,
      );
    };
    expect(await refused({ PKCS11_PIN: "" })).toMatch(/^PKCS11_PIN is not set; a PKCS#11 token needs/);
    expect(await refused({ PKCS11_MODULE: "" })).toMatch(/^KEK_BACKEND=pkcs11 needs PKCS11_MODULE/);
    expect(await refused({ KEK_BACKEND: "vault" })).toMatch(/^KEK_BACKEND must be "local"/);
    expect(await refused({ KEK_CACHE_SECONDS: "soon" })).toMatch(/^KEK_CACHE_SECONDS must be a whole number/);
    expect(await refused({})).toBe("started");
  });
});

describe("keys under the token", () => {
  let providers: ProviderRecord[];
  const saved: { user: PublicUser; providerId: string; apiKey: string }[] = [];

  beforeAll(async () => {
    configureKeks({ backend: "local", keyring: k1 });
    providers = (await listProviders(randomUUID())).slice(0, 4);
    for (let i = 0; i < 3; i++) {
      const user = await insertUser(`vaulted${i}`);
      for (const provider of providers) {
        const apiKey = fakeKey();
        await storeApiKey(user.id, provider.id, apiKey);
        saved.push({ user, providerId: provider.id, apiKey });
      }
    }
    configureKeks({ backend: "pkcs11", keyLabels: ["kek-1"], keyring: k1 });
    expect(await rotateApiKeys()).toMatchObject({ total: 12, rotated: 12, activeKeyId: "pkcs11:kek-1", leftUnder: {} });
  });

  it("a database dump and the local keyring open nothing; with the token, everything opens", async () => {
    const dump = await (await getDb()).select().from(userApiKey);
    const text = JSON.stringify(dump);
    for (const { apiKey } of saved) expect(text).not.toContain(apiKey);
    expect(new Set(dump.map((row) => row.keyId))).toEqual(new Set(["pkcs11:kek-1"]));

    configureKeks({ backend: "local", keyring: k1 }); // the environment without the token
    for (const row of dump) {
      const owner = { userId: row.userId, providerId: row.providerId };
      await expect(openEnvelope(row.encryptedKey, owner)).rejects.toMatchObject({ reason: "unknown_key_id" });
      // The same bytes claimed by the keyring's key: its AES-GCM does not authenticate them.
      const forged = row.encryptedKey.replace(".pkcs11:kek-1.", ".k1.");
      await expect(openEnvelope(forged, owner)).rejects.toBeInstanceOf(KeyDecryptionError);
      await expect(openEnvelope(forged, owner)).rejects.toMatchObject({ reason: "authentication_failed" });
    }
    const views = (await getUserApiKeys(saved[0]!.user.id)).map(toKeyView);
    expect(views.every((view) => view.needsReentry)).toBe(true);

    configureKeks({ backend: "pkcs11", keyLabels: ["kek-1"] }); // the token, and no keyring at all
    for (const { user, providerId, apiKey } of saved) {
      const row = dump.find((r) => r.userId === user.id && r.providerId === providerId)!;
      expect(await openEnvelope(row.encryptedKey, { userId: user.id, providerId })).toBe(apiKey);
    }
    expect((await getUserApiKeys(saved[0]!.user.id)).map(toKeyView).every((view) => !view.needsReentry)).toBe(true);
  });

  it("an envelope moved to another user's row, or with its data key tampered, does not open under the token either", async () => {
    const [row] = await (await getDb()).select().from(userApiKey).limit(1);
    const other = saved.find((s) => s.user.id !== row!.userId)!;
    await expect(
      openEnvelope(row!.encryptedKey, { userId: other.user.id, providerId: row!.providerId }),
    ).rejects.toMatchObject({ reason: "authentication_failed" });
    const parts = row!.encryptedKey.split(".");
    const wrapped = Buffer.from(parts[2]!, "base64url");
    wrapped[20]! ^= 1;
    parts[2] = wrapped.toString("base64url");
    await expect(openEnvelope(parts.join("."), row!)).rejects.toMatchObject({ reason: "authentication_failed" });
  });
});
