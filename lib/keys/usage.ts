import "server-only";
import { addKeyUsage } from "@/lib/db/key-usage";

/**
 * What a finished call reports: the AI SDK's `usage` fields (either may be missing), whether it failed, and what
 * lib/db/key-usage.ts records beside them (the model, its cost, the access token, the budget hold to let go of).
 */
export interface FinishedCall {
  inputTokens?: number | undefined;
  outputTokens?: number | undefined;
  failed?: boolean;
  model?: string;
  costMicroUsd?: number | null;
  tokenId?: string | null;
  reservationId?: string | null;
  keepTokenHold?: boolean;
}

/**
 * Records one finished provider call against the key that served it (`id` from openApiKeysForUse): one request,
 * its tokens, and an error when it failed, added to the key's row for today (UTC) in one statement. For chat:
 * call it when the answer finishes or fails. False when the key is gone.
 */
export function recordKeyUsage(userId: string, apiKeyId: string, call: FinishedCall): Promise<boolean> {
  return addKeyUsage(userId, apiKeyId, {
    ...call,
    inputTokens: call.inputTokens ?? 0,
    outputTokens: call.outputTokens ?? 0,
    failed: call.failed ?? false,
  });
}
