import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // `next build` also writes .next/standalone: server.js and only the node_modules it needs (the Dockerfile ships
  // that, .next/static and the migrations).
  output: "standalone",
  // The migrations are read at run time from <cwd>/drizzle (lib/db/client.ts), which the tracer cannot see.
  outputFileTracingIncludes: { "/*": ["./drizzle/**/*"] },
  // PGlite ships WASM and resolves files relative to its own module URL; bundling it breaks that.
  serverExternalPackages: ["@electric-sql/pglite"],
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
    ];
  },
};

export default nextConfig;
