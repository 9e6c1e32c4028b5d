/**
 * The layers of docs/architecture.md, held by `npm run lint` (dependency-cruiser): this file is their source of
 * truth. Product code is app/, components/ and lib/. A type-only import costs nothing at run time and may cross
 * a boundary a value may not (a client component may name a server type).
 */
const VALUE = { dependencyTypesNot: ["type-only"] };

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "Modules form no cycle (folders neither: `npm run lint` runs the same rule over folders).",
      from: {},
      to: { circular: true },
    },
    {
      name: "product-not-tooling",
      severity: "error",
      comment: "dev/, bench/, scripts/ and tests/ are tooling; product code never imports them.",
      from: { path: "^(app|components|lib)/" },
      to: { path: "^(dev|bench|scripts|tests)/" },
    },
    {
      name: "client-to-browser-safe-only",
      severity: "error",
      comment:
        "Browser code (components/, lib/client/) takes values only from browser-safe modules: lib/client, lib/domain " +
        "(plain rules and data), lib/utils, and of lib/validation only the rule modules without dependencies " +
        "(*-rules.ts, endpoint-limit.ts; zod stays out of the settings page) and the sign-in pages' schemas (auth.ts). " +
        "Types may come from anywhere; server modules reach the browser as props from a server component (app/). " +
        "The answers' schemas (lib/api/answers.ts) only as the next rule allows.",
      from: { path: "^(components|lib/client)/" },
      to: {
        path: "^lib/",
        pathNot:
          "^lib/(client|domain)/|^lib/utils\\.ts$|^lib/validation/([a-z-]+-rules|endpoint-limit|auth)\\.ts$|^lib/api/answers\\.ts$",
        ...VALUE,
      },
    },
    {
      name: "answer-schemas-dynamic-only",
      severity: "error",
      comment:
        "The browser's client parses answers with their schemas in development and tests only: it imports " +
        "lib/api/answers.ts dynamically, behind a NODE_ENV check the production build removes; nothing imports it " +
        "statically from the browser's side (zod would enter every page).",
      from: { path: "^(components|lib/client)/" },
      to: { path: "^lib/api/answers\\.ts$", dynamic: false },
    },
    {
      name: "lib-not-to-ui",
      severity: "error",
      comment: "lib/ is below the pages and components: it never imports them.",
      from: { path: "^lib/" },
      to: { path: "^(app|components)/" },
    },
    {
      name: "domain-is-a-leaf",
      severity: "error",
      comment: "lib/domain holds plain rules and data shared by browser and server: it depends on nothing of ours.",
      from: { path: "^lib/domain/" },
      to: { path: "^(app|components|lib)/", pathNot: "^lib/domain/" },
    },
    {
      name: "validation-below-services",
      severity: "error",
      comment:
        "Schemas and input rules (lib/validation) are shared with the browser: only lib/domain and lib/errors below them.",
      from: { path: "^lib/validation/" },
      to: { path: "^(app|components|lib)/", pathNot: "^lib/(validation|domain)/|^lib/errors\\.ts$", ...VALUE },
    },
    {
      name: "services-below-the-guard",
      severity: "error",
      comment:
        "Services (keys, endpoints, spend, auth) are called by the guard and routes (lib/api, app/api), never the " +
        "other way: they throw AppErrors and return values; lib/api turns them into answers.",
      from: { path: "^lib/(keys|endpoints|spend|auth)/" },
      to: { path: "^lib/api/", ...VALUE },
    },
    {
      name: "data-below-services",
      severity: "error",
      comment:
        "The data layer (lib/db) is called by services and the guard, never the other way: it does not import the " +
        "routes' helpers (lib/api, lib/http), auth, the services (keys, endpoints, spend, gateway) or the browser's code.",
      from: { path: "^lib/db/" },
      to: { path: "^lib/(api|http|auth|keys|endpoints|spend|gateway|client)/", ...VALUE },
    },
    {
      name: "http-below-api",
      severity: "error",
      comment: "lib/http (bodies, origins, client addresses, headers) serves the guard (lib/api) and never calls it.",
      from: { path: "^lib/http/" },
      to: { path: "^lib/api/", ...VALUE },
    },
    {
      name: "outbound-through-the-guard",
      severity: "error",
      comment:
        "Providers and custom endpoints are reached through lib/net and lib/providers; nothing below them calls the services.",
      from: { path: "^lib/(net|providers|crypto)/" },
      to: { path: "^lib/(api|http|auth|keys|endpoints|spend|gateway|db|client)/", ...VALUE },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|\\.next|\\.data|drizzle)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
    },
  },
};
