import { z } from "zod";

/**
 * What a model id may be, in one place: the playground's request (lib/validation/chat.ts), the AI SDK providers
 * (lib/providers/ai-sdk.ts, which refuse anything else before building a URL) and any other caller that takes a
 * model id from a client (a gateway's `<provider>/<model>`, split at the first "/") call it.
 *
 * Real model ids use letters, digits, ".", "_", "-" and ":" (`gpt-4o-2024-08-06`, `ft:gpt-4o-mini:org::id`,
 * `llama3.1:8b`), and "/" where the provider's ids have one: OpenRouter's `vendor/model`, Groq's
 * `openai/gpt-oss-20b`, a self-hosted server's `org/model`. Nothing else, so an id can never carry a query, a
 * fragment or an escape into a URL; and never an empty, "." or ".." segment, so it can never climb a path.
 */

export const MAX_MODEL_ID_LENGTH = 200;

const CHARACTERS = /^[A-Za-z0-9._:/-]+$/;

/** The providers (registry ids) whose model ids have a "/"; custom endpoints are OpenAI-compatible servers. */
const IDS_WITH_SLASH: ReadonlySet<string> = new Set(["openrouter", "groq", "custom"]);

export const MODEL_ID_MESSAGES = {
  blank: "model must be a model id.",
  tooLong: `model must be at most ${MAX_MODEL_ID_LENGTH} characters.`,
  characters: 'model may hold only letters, digits, ".", "_", "-", ":" and "/".',
  segments: 'model must not start or end with "/", hold "//", or have a "." or ".." part.',
  slash: 'This provider\'s model ids have no "/".',
} as const;

/** The rules every model id meets, whatever its provider ("/" allowed); the first it breaks, or null. */
function shapeProblem(modelId: string): string | null {
  if (modelId.length === 0) return MODEL_ID_MESSAGES.blank;
  if (modelId.length > MAX_MODEL_ID_LENGTH) return MODEL_ID_MESSAGES.tooLong;
  if (!CHARACTERS.test(modelId)) return MODEL_ID_MESSAGES.characters;
  if (modelId.split("/").some((part) => part === "" || part === "." || part === ".."))
    return MODEL_ID_MESSAGES.segments;
  return null;
}

/**
 * The first rule `modelId` breaks for the provider `registryId` (a built-in registry id, or "custom"), or null.
 * `registryId` null: the rules of every provider, "/" allowed (before the provider is known).
 */
export function modelIdProblem(registryId: string | null, modelId: string): string | null {
  const problem = shapeProblem(modelId);
  if (problem) return problem;
  if (registryId !== null && modelId.includes("/") && !IDS_WITH_SLASH.has(registryId)) return MODEL_ID_MESSAGES.slash;
  return null;
}

/** A model id in a request whose provider is not yet known: the rules of every provider, after trimming. */
export const modelIdField = z
  .string({ error: MODEL_ID_MESSAGES.blank })
  .trim()
  .superRefine((value, context) => {
    const problem = modelIdProblem(null, value);
    if (problem) context.addIssue({ code: "custom", message: problem });
  })
  .meta({
    description:
      'The model id as the provider names it: letters, digits, ".", "_", "-", ":", and "/" for providers whose ids have one (OpenRouter, Groq, custom endpoints).',
  });
