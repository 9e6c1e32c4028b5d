// @vitest-environment jsdom
import "./setup";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { Playground, type PlaygroundProvider } from "@/components/playground/playground";
import { readChatError, toWireMessages } from "@/lib/client/chat";

/** The playground in a browser-like DOM: the API answers as /api/chat and the models route do (their shapes). */
const openai: PlaygroundProvider = {
  id: "11111111-1111-4111-8111-111111111111",
  name: "OpenAI",
  keyHint: "sk-t****abcd",
};
const anthropic: PlaygroundProvider = {
  id: "22222222-2222-4222-8222-222222222222",
  name: "Anthropic",
  keyHint: "sk-a****wxyz",
};

type Sent = { url: string; body: unknown };

/** The key that answered a model list (GET /api/user/api-keys/models). */
const SERVED_BY = { id: "66666666-6666-4666-8666-666666666666", label: "Default", apiKey: "sk-p…mnop" };

const sse = (parts: object[]) => parts.map((p) => `data: ${JSON.stringify(p)}\n\n`).join("") + "data: [DONE]\n\n";
const answerParts = (
  texts: string[],
  tokens: Record<string, number | null> = { inputTokens: 7, outputTokens: 21, costMicroUsd: 4200 },
) => [
  { type: "start", messageId: "a1", messageMetadata: { keyHint: "sk-t****abcd", model: "gpt-4o-mini" } },
  { type: "start-step" },
  { type: "text-start", id: "t1" },
  ...texts.map((delta) => ({ type: "text-delta", id: "t1", delta })),
  { type: "text-end", id: "t1" },
  { type: "finish-step" },
  { type: "finish", messageMetadata: { keyHint: "sk-t****abcd", model: "gpt-4o-mini", ...tokens } },
];

type ModelsAnswer = { status: number; body: unknown };
type ChatAnswer = { stream: object[] } | { status: number; body: unknown } | { hang: object[] };

/** A stream that sends `parts`, then stays open until the request is aborted (Stop). */
function hanging(parts: object[], signal: AbortSignal | null | undefined): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(parts.map((p) => `data: ${JSON.stringify(p)}\n\n`).join("")));
      signal?.addEventListener("abort", () =>
        controller.error(new DOMException("The user aborted a request.", "AbortError")),
      );
    },
  });
}

/** fetch as the server answers: the models list (or a failure; per provider with `modelsFor`), and one chat answer per send. */
function serve(options: { models?: ModelsAnswer; modelsFor?: Record<string, ModelsAnswer>; chats: ChatAnswer[] }) {
  const sent: Sent[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (url: string, init: RequestInit = {}) => {
      const body = init.body ? JSON.parse(String(init.body)) : undefined;
      sent.push({ url: String(url), body });
      if (String(url).startsWith("/api/user/api-keys/models")) {
        const providerId = new URL(String(url), "http://x").searchParams.get("providerId")!;
        const models = options.modelsFor?.[providerId] ??
          options.models ?? {
            status: 200,
            body: {
              providerId: openai.id,
              models: [
                { id: "gpt-4o-mini", name: "gpt-4o-mini" },
                { id: "gpt-4o", name: "GPT-4o" },
              ],
              fetchedAt: "2026-11-26T00:00:00.000Z",
              servedBy: SERVED_BY,
            },
          };
        return new Response(JSON.stringify(models.body), {
          status: models.status,
          headers: { "content-type": "application/json" },
        });
      }
      const next = options.chats.shift();
      if (!next) throw new Error("no chat answer queued");
      if ("hang" in next)
        return new Response(hanging(next.hang, init.signal), {
          status: 200,
          headers: { "content-type": "text/event-stream" },
        });
      if ("stream" in next)
        return new Response(sse(next.stream), {
          status: 200,
          headers: { "content-type": "text/event-stream", "x-key-hint": "sk-t****abcd" },
        });
      return new Response(JSON.stringify(next.body), {
        status: next.status,
        headers: { "content-type": "application/json" },
      });
    }),
  );
  return sent;
}

const chatBodies = (sent: Sent[]) =>
  sent
    .filter((s) => s.url === "/api/chat")
    .map((s) => s.body as { providerId: string; model: string; messages: unknown[] });

describe("the playground", () => {
  it("without a usable key: says so, and leads to Settings", () => {
    render(<Playground providers={[]} />);
    expect(screen.getByRole("heading", { name: "No key to chat with yet" })).toBeTruthy();
    expect(screen.getByRole("link", { name: "Add a key in Settings" }).getAttribute("href")).toBe("/settings");
  });

  it("Enter sends the conversation with the provider and model; the answer renders as Markdown with the key's mask and tokens", async () => {
    const user = userEvent.setup();
    const sent = serve({ chats: [{ stream: answerParts(["Here is ", "code:\n\n```ts\nconst x = 1;\n```\n"]) }] });
    render(<Playground providers={[openai, anthropic]} />);
    const model = await screen.findByRole("combobox", { name: "Model" });
    await waitFor(() => expect((model as HTMLSelectElement).value).toBe("gpt-4o-mini"));
    await user.selectOptions(model, "gpt-4o");

    const prompt = screen.getByRole("textbox", { name: "Message" });
    await user.type(prompt, "Line one{Shift>}{Enter}{/Shift}line two");
    expect(chatBodies(sent)).toHaveLength(0); // Shift+Enter is a new line
    expect((prompt as HTMLTextAreaElement).value).toBe("Line one\nline two");
    await user.keyboard("{Enter}");

    const answer = await screen.findByTestId("answer-facts");
    expect(answer.textContent).toContain("sk-t****abcd");
    expect(within(answer).getByTestId("answer-tokens").textContent).toContain("7 tokens in, 21 out");
    expect(within(answer).getByTestId("answer-cost").textContent).toBe(" · $0.0042");
    expect(chatBodies(sent)).toEqual([
      { providerId: openai.id, model: "gpt-4o", messages: [{ role: "user", content: "Line one\nline two" }] },
    ]);
    const code = screen.getByTestId("answer-markdown").querySelector("pre code");
    expect(code?.textContent).toBe("const x = 1;\n");
    expect((prompt as HTMLTextAreaElement).value).toBe("");
  });

  it("an answer whose model has no price says unpriced, never $0", async () => {
    const user = userEvent.setup();
    serve({ chats: [{ stream: answerParts(["Hi."], { inputTokens: 3, outputTokens: 2, costMicroUsd: null }) }] });
    render(<Playground providers={[openai, anthropic]} />);
    await waitFor(() =>
      expect((screen.getByRole("combobox", { name: "Model" }) as HTMLSelectElement).value).toBe("gpt-4o-mini"),
    );
    await user.type(screen.getByRole("textbox", { name: "Message" }), "Hello{Enter}");
    const answer = await screen.findByTestId("answer-facts");
    expect(within(answer).getByTestId("answer-cost").textContent).toBe(" · unpriced");
    expect(answer.textContent).not.toContain("$0");
  });

  it("a rejected key: our classification, our sentence, a link to Settings; Retry asks again with the whole conversation", async () => {
    const user = userEvent.setup();
    const failure = { status: "invalid", message: "OpenAI rejected your key (HTTP 401). Replace it in Settings." };
    const sent = serve({
      chats: [
        {
          stream: [
            { type: "start", messageMetadata: { keyHint: "sk-t****abcd" } },
            { type: "error", errorText: JSON.stringify(failure) },
          ],
        },
        { stream: answerParts(["Better now."]) },
      ],
    });
    render(<Playground providers={[openai]} />);
    await waitFor(() =>
      expect((screen.getByRole("combobox", { name: "Model" }) as HTMLSelectElement).value).toBe("gpt-4o-mini"),
    );
    await user.type(screen.getByRole("textbox", { name: "Message" }), "Hi{Enter}");
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Key rejected");
    expect(alert.textContent).toContain(failure.message);
    expect(within(alert).getByRole("link", { name: "Fix the key in Settings" }).getAttribute("href")).toBe("/settings");
    // The failed answer says what happened with the key, never that it answered.
    expect(screen.getByTestId("answer-facts").textContent).toBe("Rejected with your key sk-t****abcd");

    await user.click(screen.getByRole("button", { name: "Retry" }));
    await screen.findByText("Better now.");
    expect(screen.queryByRole("alert")).toBeNull();
    expect(chatBodies(sent).at(-1)!.messages).toEqual([{ role: "user", content: "Hi" }]);
  });

  it("when the models cannot be listed, the model is typed; a refused request shows the API's sentence", async () => {
    const user = userEvent.setup();
    const sent = serve({
      models: {
        status: 502,
        body: { error: "Couldn't reach OpenAI to list models (timed out after 8 s).", code: "provider_unreachable" },
      },
      chats: [
        {
          status: 409,
          body: {
            error: "Your OpenAI API key is disabled. Enable it in Settings (/settings) to chat with it.",
            code: "api_key_disabled",
          },
        },
      ],
    });
    render(<Playground providers={[openai]} />);
    const model = await screen.findByRole("textbox", { name: "Model" });
    expect(screen.getByText(/Couldn't list the models/).textContent).toContain("timed out after 8 s");
    await user.type(model, "my-model");
    await user.type(screen.getByRole("textbox", { name: "Message" }), "Hi");
    await user.click(screen.getByRole("button", { name: "Send" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("disabled");
    expect(within(alert).getByRole("link", { name: "Fix the key in Settings" })).toBeTruthy();
    expect(chatBodies(sent)[0]).toMatchObject({ model: "my-model" });
  });

  it("Stop ends the answer: the text so far stays, and it says Stopped, not Answered", async () => {
    const user = userEvent.setup();
    serve({ chats: [{ hang: answerParts(["The first words"]).slice(0, 4) }] });
    render(<Playground providers={[openai]} />);
    await waitFor(() =>
      expect((screen.getByRole("combobox", { name: "Model" }) as HTMLSelectElement).value).toBe("gpt-4o-mini"),
    );
    await user.type(screen.getByRole("textbox", { name: "Message" }), "Tell me a long story{Enter}");
    await screen.findByText("The first words");
    await user.click(screen.getByRole("button", { name: "Stop" }));
    const facts = await screen.findByTestId("answer-facts");
    expect(facts.textContent).toBe("Stopped · with your key sk-t****abcd");
    expect(facts.getAttribute("data-outcome")).toBe("stopped");
    expect(screen.getByText("The first words")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Send" })).toBeTruthy();
  });

  it("Stop before the first words: the conversation says it stopped before an answer", async () => {
    const user = userEvent.setup();
    serve({ chats: [{ hang: [] }] });
    render(<Playground providers={[openai]} />);
    await waitFor(() =>
      expect((screen.getByRole("combobox", { name: "Model" }) as HTMLSelectElement).value).toBe("gpt-4o-mini"),
    );
    await user.type(screen.getByRole("textbox", { name: "Message" }), "Hi{Enter}");
    await user.click(await screen.findByRole("button", { name: "Stop" }));
    expect((await screen.findByTestId("stopped-early")).textContent).toBe("Stopped before OpenAI answered.");
    expect(screen.queryByTestId("answer-facts")).toBeNull();
  });

  it("offers chat models only, and a model picked for one provider is not carried to another's field", async () => {
    const user = userEvent.setup();
    const endpoint: PlaygroundProvider = { id: "33333333-3333-4333-8333-333333333333", name: "My vLLM", keyHint: "" };
    serve({
      modelsFor: {
        [openai.id]: {
          status: 200,
          body: {
            providerId: openai.id,
            models: [
              { id: "gpt-4o", name: "gpt-4o" },
              { id: "text-embedding-3-small", name: "text-embedding-3-small" },
              { id: "tts-1", name: "tts-1" },
            ],
            fetchedAt: "2026-11-26T00:00:00.000Z",
            servedBy: SERVED_BY,
          },
        },
        [endpoint.id]: { status: 502, body: { error: "Couldn't reach My vLLM.", code: "provider_unreachable" } },
      },
      chats: [],
    });
    render(<Playground providers={[openai, endpoint]} />);
    const model = (await screen.findByRole("combobox", { name: "Model" })) as HTMLSelectElement;
    await waitFor(() => expect(model.value).toBe("gpt-4o"));
    expect([...model.options].map((o) => o.value)).toEqual(["gpt-4o"]);
    await user.selectOptions(screen.getByRole("combobox", { name: "Provider" }), endpoint.id);
    const typed = (await screen.findByRole("textbox", { name: "Model" })) as HTMLInputElement;
    expect(typed.value).toBe("");
  });

  it("Clear empties the conversation; Send waits for a model and a message", async () => {
    const user = userEvent.setup();
    serve({ chats: [{ stream: answerParts(["Hello."]) }] });
    render(<Playground providers={[openai]} initialProviderId={openai.id} />);
    const send = screen.getByRole("button", { name: "Send" }) as HTMLButtonElement;
    expect(send.disabled).toBe(true);
    await waitFor(() =>
      expect((screen.getByRole("combobox", { name: "Model" }) as HTMLSelectElement).value).toBe("gpt-4o-mini"),
    );
    await user.type(screen.getByRole("textbox", { name: "Message" }), "Hi{Enter}");
    await screen.findByText("Hello.");
    await user.click(screen.getByRole("button", { name: "Clear" }));
    // useChat re-renders at most every 50 ms (experimental_throttle).
    await waitFor(() => expect(screen.queryByText("Hello.")).toBeNull());
    expect(screen.queryByRole("log")).toBeNull();
  });
});

describe("the wire format and errors", () => {
  it("sends text turns only, leaving out an answer that failed before any text", () => {
    const messages = [
      { id: "1", role: "user" as const, parts: [{ type: "text" as const, text: "Hi" }] },
      { id: "2", role: "assistant" as const, parts: [] },
      { id: "3", role: "user" as const, parts: [{ type: "text" as const, text: "Again" }] },
    ];
    expect(toWireMessages(messages)).toEqual([
      { role: "user", content: "Hi" },
      { role: "user", content: "Again" },
    ]);
  });

  it("reads the stream's classification, the API's JSON errors, and anything else", () => {
    expect(readChatError(new Error('{"status":"limited","message":"Slow down."}'))).toMatchObject({
      kind: "limited",
      title: "Key limited",
      settings: true,
    });
    expect(readChatError(new Error('{"status":"unreachable","message":"Down."}'))).toMatchObject({
      kind: "unreachable",
      settings: false,
    });
    expect(readChatError(new Error('{"error":"Too many messages.","code":"rate_limited"}'))).toMatchObject({
      kind: "request",
      message: "Too many messages.",
      settings: false,
    });
    expect(readChatError(new Error("Failed to fetch"))).toMatchObject({
      kind: "request",
      message: expect.stringContaining("Couldn't reach the server"),
    });
  });
});
