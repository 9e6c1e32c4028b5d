import nextVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";
import drizzle from "eslint-plugin-drizzle";

const config = [
  { ignores: [".next/**", ".data/**", "node_modules/**", "drizzle/**", "next-env.d.ts", "test-results/**", "bench/results/**"] },
  ...nextVitals,
  ...nextTypescript,
  {
    // A DELETE or UPDATE without WHERE on a drizzle database object is a bug; `db` is how every module names it.
    plugins: { drizzle },
    rules: {
      "drizzle/enforce-delete-with-where": ["error", { drizzleObjectName: ["db", "tx"] }],
      "drizzle/enforce-update-with-where": ["error", { drizzleObjectName: ["db", "tx"] }],
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // dev/ is tooling (fake providers, app servers, throwaway databases, counters): product code never needs it.
    files: ["app/**", "lib/**", "components/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ regex: "^(@/|(\\.\\./)+)dev(/|$)", message: "dev/ is tooling for tests, the bench and scripts; product code must not import it." }] },
      ],
    },
  },
  {
    // Server code logs through lib/log.ts (JSON lines with the request id); the browser's helpers may use console.
    files: ["app/**", "lib/**", "instrumentation.ts"],
    ignores: ["lib/client/**"],
    rules: { "no-console": "error" },
  },
];

export default config;
