import nextVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";
import drizzle from "eslint-plugin-drizzle";

const devImports = {
  regex: "^(@/|(\\.\\./)+)dev(/|$)",
  message: "dev/ is tooling for tests, the bench and scripts; product code must not import it.",
};
const guardMessage =
  "Requests to user-chosen URLs go through lib/net/outbound.ts (guardedFetch), which refuses private and internal addresses.";
const networkImports = {
  regex: "^(node:)?(http|https|http2|net|tls|dgram|dns|dns/promises)$|^undici(/|$)",
  message: guardMessage,
  // Types (IncomingMessage, Socket) make no connection.
  allowTypeImports: true,
};

const config = [
  {
    ignores: [
      ".next/**",
      ".data/**",
      "node_modules/**",
      "drizzle/**",
      "next-env.d.ts",
      "test-results/**",
      "bench/results/**",
    ],
  },
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
    // Sockets and HTTP clients are the outbound guard's alone (lib/net/outbound.ts).
    files: ["app/**", "lib/**", "components/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [devImports, networkImports] }] },
  },
  {
    // lib/providers/chat-fetch.ts: built-in providers' addresses (catalogue or operator), asked with undici's own
    // fetch rather than the global one Next.js wraps (see there).
    files: ["lib/net/outbound.ts", "lib/providers/chat-fetch.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [devImports] }] },
  },
  {
    // A request to a URL a user chose must go through the guard (lib/net/outbound.ts). Plain fetch is left to the
    // browser helpers and to the one GET helper of the built-in providers (key checks, model lists), whose
    // addresses come from the catalogue or the operator (PROVIDER_BASE_URL_*), never from a user; custom
    // endpoints pass it the guard's fetch.
    files: ["app/**", "lib/**"],
    // lib/providers/chat-fetch.ts: the playground's fetch for built-in providers (catalogue or operator addresses).
    ignores: ["lib/client/**", "lib/net/outbound.ts", "lib/providers/provider-get.ts", "lib/providers/chat-fetch.ts"],
    rules: {
      "no-restricted-globals": ["error", { name: "fetch", message: guardMessage }],
      "no-restricted-properties": ["error", { object: "globalThis", property: "fetch", message: guardMessage }],
    },
  },
  {
    // Server code logs through lib/log.ts (JSON lines with the request id); the browser's helpers may use console.
    files: ["app/**", "lib/**", "instrumentation.ts"],
    ignores: ["lib/client/**"],
    rules: { "no-console": "error" },
  },
  {
    // Configuration is read in one module, typed, with its defaults (lib/env.ts); nothing else reads process.env.
    files: ["app/**", "lib/**", "components/**", "proxy.ts"],
    ignores: ["lib/env.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message:
            'Read configuration through lib/env.ts (env("NAME")): every variable is declared there with its type and default.',
        },
      ],
    },
  },
  {
    // The browser's helpers may test the build's mode (process.env.NODE_ENV, which the bundler replaces with its
    // value, so what it guards leaves production bundles), and read nothing else of process.env.
    files: ["lib/client/**"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector:
            "MemberExpression[object.name='process'][property.name='env']:not(MemberExpression[property.name='NODE_ENV'] > MemberExpression.object)",
          message: "Browser code reads no configuration: only the build's mode (process.env.NODE_ENV).",
        },
      ],
    },
  },
];

export default config;
