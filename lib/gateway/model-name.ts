import "server-only";
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

const MODEL_ID = /^[A-Za-z0-9._:/-]{1,200}$/;

export function splitModelName(name: unknown, field = "model"): ModelName {
  if (typeof name !== "string" || name.trim() === "") throw badModel(field, `${field} must be a model name such as "openai/gpt-4o-mini".`);
  const slash = name.indexOf("/");
  if (slash <= 0 || slash === name.length - 1) {
    throw badModel(field, `${field} must name its provider: "<provider>/<model>", e.g. "openai/gpt-4o-mini" (GET /api/v1/models lists them).`);
  }
  const prefix = name.slice(0, slash).toLowerCase();
  const model = name.slice(slash + 1);
  if (!MODEL_ID.test(model) || model.split("/").some((part) => part === "" || part === "." || part === "..")) {
    throw badModel(field, `${field}: "${model.slice(0, 80)}" is not a model id (letters, digits and . _ : / - only).`);
  }
  return { prefix, model };
}

/** A model id where a provider's own id has no `/` (Anthropic's, Google's): one path segment, never a path. */
export function assertSingleSegment(model: string, providerName: string): void {
  if (model.includes("/")) throw new GatewayError("not_found", "model_not_found", `${providerName} has no model "${model}".`);
}

const badModel = (field: string, message: string) => new GatewayError("invalid_request", "invalid_model", message.startsWith(field) ? message : `${field}: ${message}`);
