import { describe, expect, it } from "vitest";
import { MODEL_ID_MESSAGES, modelIdField, modelIdProblem } from "@/lib/domain/model-id";

/** lib/domain/model-id.ts: the one rule for model ids, with or without the provider known. */

const REAL_IDS: [string, string][] = [
  ["openai", "gpt-4o-2024-08-06"],
  ["openai", "ft:gpt-4o-mini-2024-07-18:my-org:custom-suffix:9zR8abc"],
  ["anthropic", "claude-sonnet-4-20250514"],
  ["google", "gemini-2.0-flash-001"],
  ["google", "gemini-2.5-pro-exp-03-25"],
  ["mistral", "mistral-large-latest"],
  ["groq", "llama-3.3-70b-versatile"],
  ["groq", "openai/gpt-oss-120b"],
  ["groq", "meta-llama/llama-4-scout-17b-16e-instruct"],
  ["xai", "grok-4"],
  ["deepseek", "deepseek-chat"],
  ["openrouter", "anthropic/claude-sonnet-4"],
  ["openrouter", "meta-llama/llama-3.3-70b-instruct:free"],
  ["custom", "llama3.1:8b"],
  ["custom", "Qwen/Qwen2.5-7B-Instruct"],
  ["custom", "lmstudio-community/Meta-Llama-3.1-8B-Instruct-GGUF"],
];

const REFUSED: [string | null, string, string][] = [
  ["google", "../../openai/v1/chat/completions#", MODEL_ID_MESSAGES.characters],
  ["google", "../../openai/v1/chat/completions", MODEL_ID_MESSAGES.segments],
  ["openai", "gpt-4o?x=1", MODEL_ID_MESSAGES.characters],
  ["openai", "gpt-4o#x", MODEL_ID_MESSAGES.characters],
  ["openai", "gpt 4o", MODEL_ID_MESSAGES.characters],
  ["openai", "gpt-4o%2F..", MODEL_ID_MESSAGES.characters],
  ["openai", "gpt\\4o", MODEL_ID_MESSAGES.characters],
  ["openai", "gpt-4o\u0000", MODEL_ID_MESSAGES.characters],
  ["openai", "gpt‑4o", MODEL_ID_MESSAGES.characters], // a non-breaking hyphen
  ["openai", "", MODEL_ID_MESSAGES.blank],
  ["openai", "x".repeat(201), MODEL_ID_MESSAGES.tooLong],
  ["openai", "..", MODEL_ID_MESSAGES.segments],
  ["openai", ".", MODEL_ID_MESSAGES.segments],
  ["google", "tunedModels/mine", MODEL_ID_MESSAGES.slash],
  ["anthropic", "anthropic/claude", MODEL_ID_MESSAGES.slash],
  ["openrouter", "/anthropic/claude", MODEL_ID_MESSAGES.segments],
  ["openrouter", "anthropic/claude/", MODEL_ID_MESSAGES.segments],
  ["openrouter", "anthropic//claude", MODEL_ID_MESSAGES.segments],
  ["openrouter", "anthropic/../openai", MODEL_ID_MESSAGES.segments],
  ["custom", "org/./model", MODEL_ID_MESSAGES.segments],
  [null, "a/../b", MODEL_ID_MESSAGES.segments],
];

describe("modelIdProblem", () => {
  it.each(REAL_IDS)("accepts %s's real id %s", (registryId, id) => {
    expect(modelIdProblem(registryId, id)).toBeNull();
    expect(modelIdProblem(null, id)).toBeNull();
  });

  it.each(REFUSED)("refuses for %s the id %j", (registryId, id, message) => {
    expect(modelIdProblem(registryId, id)).toBe(message);
  });

  it("with the provider unknown, allows a '/' (the provider decides later) but never a bad segment", () => {
    expect(modelIdProblem(null, "tunedModels/mine")).toBeNull();
    expect(modelIdProblem(null, "a//b")).toBe(MODEL_ID_MESSAGES.segments);
  });
});

describe("modelIdField", () => {
  it("trims, then applies the rule with the provider unknown", () => {
    expect(modelIdField.parse("  gpt-4o  ")).toBe("gpt-4o");
    expect(modelIdField.safeParse("gpt-4o?x=1").error?.issues[0]?.message).toBe(MODEL_ID_MESSAGES.characters);
    expect(modelIdField.safeParse(42).error?.issues[0]?.message).toBe(MODEL_ID_MESSAGES.blank);
  });
});
