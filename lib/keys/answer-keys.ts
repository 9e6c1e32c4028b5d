import "server-only";
import { inBackground } from "@/lib/background";
import { type KeyForAnswer, releaseKeyHold } from "@/lib/db/answer-keys";
import type { ProviderRecord } from "@/lib/db/providers";
import { assertEndpointAllowed } from "@/lib/endpoints/guard";
import { type KeyForUse, openKeysForUse } from "./vault";

/**
 * The keys an answer (the playground's, the gateway's) may try, opened in their order, once its start statement
 * chose them: a custom endpoint the outbound guard refuses right now is a 400 before any key is opened or tried
 * (as the key routes refuse it), and a KEK that does not answer a 503. Either way the hold the statement took on
 * the first key's hard budget (`holdId`) is let go of: no answer will spend it.
 */
export async function openAnswerKeys(
  userId: string,
  provider: ProviderRecord,
  affordable: KeyForAnswer[],
  holdId: string,
): Promise<KeyForUse[]> {
  try {
    await assertEndpointAllowed(provider);
    return await openKeysForUse({ userId, providerId: provider.id }, affordable);
  } catch (error) {
    const held = affordable.find((key) => key.held);
    if (held) inBackground(releaseKeyHold(userId, held.id, holdId));
    throw error;
  }
}
