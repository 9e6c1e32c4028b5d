import { afterEach, describe, expect, it, vi } from "vitest";
import { startupProblems } from "@/lib/startup";

/** `npm start` (and every production start) names every configuration problem in one go, not one per run. */
describe("the start checks", () => {
  afterEach(() => vi.unstubAllEnvs());

  it("report every problem at once, each naming its variable", async () => {
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("API_KEY_ENCRYPTION_KEYS", "");
    vi.stubEnv("NEXTAUTH_SECRET", "");
    vi.stubEnv("NEXTAUTH_URL", "");
    vi.stubEnv("TRUST_PROXY", "many");
    vi.stubEnv("FEATURE_FLAGS", "showPlayground=maybe");
    vi.stubEnv("DATABASE_POOLER", "pgbouncer");
    const problems = await startupProblems();
    expect(problems).toHaveLength(6);
    for (const variable of [
      "API_KEY_ENCRYPTION_KEYS",
      "NEXTAUTH_SECRET",
      "NEXTAUTH_URL",
      "TRUST_PROXY",
      "FEATURE_FLAGS",
      "DATABASE_POOLER",
    ]) {
      expect(
        problems.filter((p) => p.includes(variable)),
        variable,
      ).toHaveLength(1);
    }
  });

  it("a short secret and a bad URL are two problems, not one", async () => {
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("API_KEY_ENCRYPTION_KEYS", `k1:${Buffer.alloc(32, 7).toString("base64")}`);
    vi.stubEnv("NEXTAUTH_SECRET", "short");
    vi.stubEnv("NEXTAUTH_URL", "keys.example.com");
    vi.stubEnv("TRUST_PROXY", "");
    vi.stubEnv("FEATURE_FLAGS", "");
    expect(await startupProblems()).toEqual([
      expect.stringMatching(/^NEXTAUTH_SECRET is shorter than 32 bytes/),
      expect.stringMatching(/^NEXTAUTH_URL must be the site's public http\(s\) URL/),
    ]);
  });

  it("nothing to report for a sound production configuration", async () => {
    vi.stubEnv("NODE_ENV", "production");
    vi.stubEnv("API_KEY_ENCRYPTION_KEYS", `k1:${Buffer.alloc(32, 7).toString("base64")}`);
    vi.stubEnv("NEXTAUTH_SECRET", "x".repeat(32));
    vi.stubEnv("NEXTAUTH_URL", "https://keys.example.com");
    vi.stubEnv("TRUST_PROXY", "1");
    vi.stubEnv("FEATURE_FLAGS", "");
    vi.stubEnv("DATABASE_POOLER", "transaction");
    expect(await startupProblems()).toEqual([]);
  });
});
