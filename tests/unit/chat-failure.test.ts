import { APICallError } from "ai";
import { describe, expect, it } from "vitest";
import { chatErrorText, classifyChatFailure } from "@/lib/providers/chat-failure";

const openai = { name: "OpenAI" };
const options = { timeoutMs: 8_000 };
const answered = (statusCode: number, responseBody = "") =>
  new APICallError({
    message: "provider said no",
    url: "https://example.test/v1?key=AIza-secret",
    requestBodyValues: {},
    statusCode,
    responseBody,
  });

describe("classifyChatFailure", () => {
  it.each([
    [401, "", "invalid", true],
    [403, "", "invalid", true],
    [400, '{"error":{"status":"INVALID_ARGUMENT","details":[{"reason":"API_KEY_INVALID"}]}}', "invalid", true],
    [400, '{"error":"Incorrect API key provided: xa***abcd."}', "invalid", true],
    [429, "", "limited", true],
    [402, "", "limited", true],
    [500, "", "unreachable", true],
    [529, "", "unreachable", true],
    [404, '{"error":{"message":"model not found"}}', "unreachable", false],
    [400, '{"error":{"message":"max_tokens too large"}}', "unreachable", false],
  ] as const)("HTTP %i %s → %s (concerns the key: %s)", (status, body, expected, concernsKey) => {
    const failure = classifyChatFailure(answered(status, body), openai, options);
    expect(failure).toMatchObject({ status: expected, concernsKey, httpStatus: status });
    expect(failure.message).toContain(`HTTP ${status}`);
  });

  it("never repeats the provider's words nor the request URL", () => {
    const failure = classifyChatFailure(answered(401, "Incorrect API key provided: sk-secret-1234"), openai, options);
    expect(failure.message).not.toMatch(/secret|Incorrect|example\.test/);
    expect(failure.message).toBe("OpenAI rejected your key (HTTP 401). Replace it in Settings.");
  });

  it("no answer before the timeout: unreachable, with the time", () => {
    const timeout = new DOMException("too slow", "TimeoutError");
    expect(classifyChatFailure(timeout, openai, { timeoutMs: 1_500 })).toMatchObject({
      status: "unreachable",
      message: expect.stringContaining("1.5 s"),
    });
  });

  it("no connection: unreachable", () => {
    const refused = new APICallError({
      message: "Cannot connect to API",
      url: "u",
      requestBodyValues: {},
      cause: new TypeError("fetch failed"),
      isRetryable: true,
    });
    expect(classifyChatFailure(refused, openai, options)).toMatchObject({
      status: "unreachable",
      message: expect.stringMatching(/Couldn't reach OpenAI/),
    });
  });

  it("an answer that broke off mid-stream (a 200 that failed, or the socket's 'terminated'): unreachable, broke off", () => {
    const broken = new APICallError({
      message: "Failed to process successful response",
      url: "u",
      requestBodyValues: {},
      statusCode: 200,
      cause: new TypeError("terminated"),
    });
    expect(classifyChatFailure(broken, openai, options)).toMatchObject({
      status: "unreachable",
      message: expect.stringMatching(/broke off/),
    });
    expect(classifyChatFailure(new TypeError("terminated"), openai, options)).toMatchObject({
      status: "unreachable",
      message: expect.stringMatching(/broke off/),
    });
  });

  it("the error part's text is JSON of the classification and our sentence only", () => {
    const failure = classifyChatFailure(answered(429), openai, options);
    expect(JSON.parse(chatErrorText(failure))).toEqual({ status: "limited", message: failure.message });
  });
});
