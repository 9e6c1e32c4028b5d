import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL(".", import.meta.url));

/** Module resolution shared by every Vitest config: the `@/` alias, and `server-only` made importable. */
export const resolve = {
  alias: [
    { find: /^@\//, replacement: `${root}/` },
    // `server-only` throws outside a React server bundle; tests run server modules directly.
    { find: /^server-only$/, replacement: `${root}/node_modules/server-only/empty.js` },
  ],
};
