import type { NextConfig } from "next";
import { API_POLICY } from "./lib/http/security-headers";

const nextConfig: NextConfig = {
  // PGlite ships WASM and resolves files relative to its own module URL; bundling it breaks that. undici (the
  // outbound guard's HTTP client, lib/net/outbound.ts) is loaded as Node loads it, not re-bundled.
  serverExternalPackages: ["@electric-sql/pglite", "undici"],
  poweredByHeader: false,
  reactStrictMode: true,
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
        ],
      },
      // Pages get theirs, with a nonce, from proxy.ts.
      { source: "/api/:path*", headers: [{ key: "Content-Security-Policy", value: API_POLICY }] },
    ];
  },
};

export default nextConfig;
