import { createOpenAI } from "@ai-sdk/openai";
import { streamText } from "ai";
import { providerBaseUrlOverride } from "@/lib/env";

export const dynamic = "force-dynamic";

/**
 * The playground's floor, in the bench's own build only (BENCH_FLOOR_ROUTES=1 next build: next.config.ts): a
 * Next.js route that streams an answer with the AI SDK and nothing else — no session, no database, no key to
 * open; the key is the one the caller sends, the provider's address the app's PROVIDER_BASE_URL_OPENAI (the fake).
 * The bench measures POST /api/chat's time to first token over this one's.
 */
export async function POST(request: Request) {
  const { messages, model } = (await request.json()) as {
    messages: { role: "user"; content: string }[];
    model: string;
  };
  const provider = createOpenAI({
    apiKey: request.headers.get("x-bench-key") ?? "",
    baseURL: providerBaseUrlOverride("openai"),
  });
  const result = streamText({ model: provider.chat(model), messages, abortSignal: request.signal, maxRetries: 0 });
  return result.toUIMessageStreamResponse({ headers: { "cache-control": "no-store, no-transform" } });
}
