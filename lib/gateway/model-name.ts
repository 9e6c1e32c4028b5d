import "server-only";
import { isRegistryId } from "@/lib/domain/catalogue";
import { MODEL_ID_MESSAGES, modelIdProblem } from "@/lib/domain/model-id";
import { GatewayError } from "./errors";

/**
 * A gateway model name: `<provider>/<model>`, split at the first `/` (`openrouter/anthropic/claude-sonnet-4` is
 * OpenRouter's `anthropic/claude-sonnet-4`); `<provider>` is a built-in's registry id or one of the user's endpoint
 * slugs. The model id is held to what real ids are made of before it goes anywhere near a provider's URL.
 */
export interface ModelName {
  prefix: string;
  model: string;
}

export function splitModelName(name: unknown, field = "model"): ModelName {
  if (typeof name !== "string" || name.trim() === "")
    throw badModel(field, `${field} must be a model name such as "openai/gpt-4o-mini".`);
  const slash = name.indexOf("/");
  if (slash <= 0 || slash === name.length - 1) {
    throw badModel(
      field,
      `${field} must name its provider: "<provider>/<model>", e.g. "openai/gpt-4o-mini" (GET /api/v1/models lists them).`,
    );
  }
  const prefix = name.slice(0, slash).toLowerCase();
  const model = name.slice(slash + 1);
  // The rule every caller shares (lib/domain/model-id.ts); a slug names a custom endpoint.
  const problem = modelIdProblem(isRegistryId(prefix) ? prefix : "custom", model);
  if (problem === MODEL_ID_MESSAGES.slash)
    throw new GatewayError(
      "not_found",
      "model_not_found",
      `"${prefix}" has no model "${model}": its model ids have no "/".`,
    );
  if (problem) throw badModel(field, `${field}: ${problem.replace(/^model /, "")} ("${model.slice(0, 80)}")`);
  return { prefix, model };
}

const badModel = (field: string, message: string) =>
  new GatewayError("invalid_request", "invalid_model", message.startsWith(field) ? message : `${field}: ${message}`);
