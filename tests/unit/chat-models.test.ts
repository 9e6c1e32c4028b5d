import { describe, expect, it } from "vitest";
import { isChatModel } from "@/lib/client/chat-models";

describe("the playground's models: chat models only", () => {
  it("keeps chat models of every provider", () => {
    const chat = [
      "gpt-4.1",
      "gpt-4o-mini",
      "o3-mini",
      "claude-sonnet-4-5",
      "gemini-2.5-flash",
      "mistral-large-latest",
      "codestral-latest",
      "llama-3.3-70b-versatile",
      "grok-4",
      "deepseek-chat",
      "openai/gpt-4o-mini",
      "anthropic/claude-sonnet-4.5",
      "gpt-4o-search-preview",
    ];
    expect(chat.filter((id) => !isChatModel(id))).toEqual([]);
  });

  it("leaves out embedding, speech, transcription, moderation, image and legacy completion models", () => {
    const other = [
      "text-embedding-3-small",
      "text-embedding-004",
      "gemini-embedding-001",
      "mistral-embed",
      "tts-1",
      "tts-1-hd",
      "gpt-4o-mini-tts",
      "playai-tts",
      "whisper-1",
      "whisper-large-v3",
      "gpt-4o-transcribe",
      "omni-moderation-latest",
      "mistral-moderation-latest",
      "dall-e-3",
      "gpt-image-1",
      "imagen-4.0-generate-001",
      "mistral-ocr-latest",
      "gpt-4o-realtime-preview",
      "babbage-002",
      "davinci-002",
      "veo-3.0-generate-preview",
      "sora-2",
    ];
    expect(other.filter(isChatModel)).toEqual([]);
  });
});
