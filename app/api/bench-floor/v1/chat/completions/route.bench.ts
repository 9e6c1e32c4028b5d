import { providerBaseUrlOverride } from "@/lib/env";

export const dynamic = "force-dynamic";

/**
 * The gateway's floor, in the bench's own build only (BENCH_FLOOR_ROUTES=1 next build: next.config.ts): a
 * Next.js route that passes the request to the provider (the app's PROVIDER_BASE_URL_OPENAI, the fake) with the
 * caller's Authorization header and returns its answer's body as it arrives — no token, no database, no parsing.
 * What the framework and one fetch cost; the bench sets POST /api/v1/chat/completions beside it.
 */
export async function POST(request: Request) {
  // eslint-disable-next-line no-restricted-globals -- the operator's PROVIDER_BASE_URL_OPENAI (the bench's fake), never a user's URL, as lib/providers/chat-fetch.ts
  const upstream = await fetch(`${providerBaseUrlOverride("openai")}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: request.headers.get("authorization") ?? "" },
    body: await request.text(),
    signal: request.signal,
  });
  return new Response(upstream.body, {
    status: upstream.status,
    headers: { "content-type": upstream.headers.get("content-type") ?? "application/json" },
  });
}
