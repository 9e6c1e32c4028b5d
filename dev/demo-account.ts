/** The account `npm run demo` creates (scripts/demo.ts) and its browser test signs in with. Not a secret: a demo. */
export const DEMO_ACCOUNT = { email: "demo@keyring.test", password: "keyring-demo" };

/** The keys the demo's banner tells the user to paste: the fake providers answer as their words say. */
export const DEMO_KEYS = { valid: "sk-demo-valid-1", second: "sk-demo-valid-2", invalid: "sk-demo-invalid-1" };
