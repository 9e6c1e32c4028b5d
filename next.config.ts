import type { NextConfig } from "next";
import { PHASE_DEVELOPMENT_SERVER } from "next/constants";
import { devOrigins } from "./lib/http/dev-origins";
import { API_POLICY, SITE_HEADERS } from "./lib/http/security-headers";

const nextConfig: NextConfig = {
  // undici (the outbound guard's HTTP client, lib/net/outbound.ts) is loaded as Node loads it, not re-bundled;
  // pkcs11js (the PKCS#11 token's binding, lib/crypto/kek/) is a native addon, loaded only when a token is configured.
  serverExternalPackages: ["undici", "pkcs11js"],
  // `next build` also writes .next/standalone: server.js and only the node_modules it needs (the Dockerfile ships
  // that, .next/static and the migrations).
  output: "standalone",
  // Files read at run time that the tracer cannot see: the migrations (lib/db/client.ts reads <cwd>/drizzle), and
  // the embedded database's thread, a plain module Node loads by path (lib/db/pglite-thread.ts), with PGlite and
  // its WASM and data files. Nothing bundled imports PGlite.
  outputFileTracingIncludes: {
    "/*": [
      "./drizzle/**/*",
      "./lib/db/pglite-worker.mjs",
      "./node_modules/@electric-sql/pglite/package.json",
      "./node_modules/@electric-sql/pglite/dist/**/*",
    ],
  },
  poweredByHeader: false,
  // The bench's own build (`BENCH_FLOOR_ROUTES=1 next build`) also serves its floor routes (app/api/bench-floor/,
  // files named route.bench.ts): a Next.js + AI SDK chat route and a pass-through route that do nothing else.
  // Every other build leaves them out.
  ...(process.env.BENCH_FLOOR_ROUTES === "1" ? { pageExtensions: ["bench.ts", "tsx", "ts", "jsx", "js"] } : {}),
  experimental: {
    // `next dev` starts from a clean compile every time. With Turbopack's cache of the last dev server kept in
    // .next/dev/cache, a restarted dev server sometimes answers a page's first HMR subscription with a "restart"
    // of the app's client entry chunk list (the baseline it restored differs from the one it computes again),
    // so the page reloads, subscribes again and gets the same answer: /settings reloaded every 1-2 s (then
    // "HMR hash mismatch" on every other socket) for as long as that cache was in use. Measured on Next 16.4.6:
    // a cache left by an earlier server reproduced it on every start; the same cache with this option off, and
    // every start on a fresh .next, never did. The cost is the first compile of each page after a restart
    // (~20-30 s instead of ~3 s on a busy 2-core machine). tests/e2e-dev/dev-server.spec.ts restarts and checks.
    turbopackFileSystemCacheForDev: false,
  },
  reactStrictMode: true,
  async headers() {
    return [
      { source: "/:path*", headers: SITE_HEADERS.map(([key, value]) => ({ key, value })) },
      // Pages get theirs, with a nonce, from proxy.ts.
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: API_POLICY }] },
    ];
  },
};

export default function config(phase: string): NextConfig {
  // `next dev` serves its scripts to pages opened on 127.0.0.1 as on localhost (lib/http/dev-origins.ts).
  if (phase === PHASE_DEVELOPMENT_SERVER) return { ...nextConfig, allowedDevOrigins: devOrigins(process.env) };
  return nextConfig;
}
