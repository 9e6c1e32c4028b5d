// @vitest-environment jsdom
import "./setup";
import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { ActivityPanel } from "@/components/activity/activity-panel";
import { ActivityView, providerNames } from "@/components/activity/activity-view";
import { DeferredActivity } from "@/components/activity/deferred-activity";
import { ApiKeysSection } from "@/components/api-keys/api-keys-section";
import { UsageChart } from "@/components/api-keys/usage-chart";
import { announceKeyChange } from "@/lib/client/key-changes";
import { usageByKey } from "@/lib/keys/usage-days";
import type { ActivityEventView, ActivityPageView } from "@/lib/validation/activity";
import type { ListedKeyView } from "@/lib/validation/api-keys";
import type { ProviderView } from "@/lib/validation/providers";
import { fakeApi } from "../../fixtures/fake-api";
import { openai, anthropic, google } from "../../fixtures/providers";

/** The settings page's new parts: health on the cards, the notice, usage and its chart, models, activity. */
const NOW = Date.parse("2026-11-25T12:00:00Z");
const providers = [openai, anthropic, google];

function keyFor(provider: ProviderView, overrides: Partial<ListedKeyView> = {}): ListedKeyView {
  return {
    id: `aaaaaaaa-aaaa-4aaa-8aaa-${provider.id.slice(-12)}`,
    providerId: provider.id,
    apiKey: "sk-p****************mnop",
    isEnabled: true,
    label: "Default",
    position: 0,
    expiresAt: null,
    createdAt: "2026-11-20T11:00:00.000Z",
    updatedAt: "2026-11-20T11:00:00.000Z",
    lastValidatedAt: "2026-11-25T11:00:00.000Z",
    needsReentry: false,
    health: "ok",
    healthCheckedAt: "2026-11-25T11:00:00.000Z",
    healthMessage: `Verified with ${provider.name}: the key can list models.`,
    lastUsedAt: null,
    budget: null,
    usage: { requests: 0, inputTokens: 0, outputTokens: 0, errors: 0, costMicroUsd: 0 },
    ...overrides,
  };
}

const rejected = (provider: ProviderView, overrides: Partial<ListedKeyView> = {}) =>
  keyFor(provider, {
    health: "rejected",
    healthMessage: `${provider.name} rejected this key.`,
    healthCheckedAt: "2026-11-25T10:00:00.000Z",
    ...overrides,
  });

function renderSection(keys: ListedKeyView[], charts = {}) {
  const user = userEvent.setup();
  render(<ApiKeysSection providers={providers} initialKeys={keys} charts={charts} now={NOW} />);
  return { user, card: (name: string) => screen.getByRole("group", { name }) };
}

describe("health on the cards", () => {
  it("a rejected key is red with Update API Key and says when it was checked; a limited one is amber", () => {
    const { card } = renderSection([
      rejected(openai),
      keyFor(anthropic, {
        health: "limited",
        healthMessage: "Anthropic recognised this key but is rate-limiting it right now.",
      }),
      keyFor(google),
    ]);
    const red = within(card("OpenAI"));
    expect(red.getByTestId("health-badge").textContent).toBe("Rejected");
    expect(red.getByTestId("health-badge").className).toContain("text-destructive");
    expect(red.getByTestId("health-line").textContent).toBe("OpenAI rejected this key. Checked 2 hours ago.");
    expect(red.getByRole("button", { name: "Update API Key" }).className).toContain("bg-destructive");
    expect(card("OpenAI").className).toContain("border-destructive");

    const amber = within(card("Anthropic"));
    expect(amber.getByTestId("health-badge").textContent).toBe("Limited");
    expect(amber.getByTestId("health-badge").className).toContain("text-warning");
    expect(within(card("Google Gemini")).queryByTestId("health-badge")).toBeNull();
    expect(within(card("Google Gemini")).getByText("Verified 1 hour ago")).toBeTruthy();
  });

  it("a card with a working key leads to the playground with its provider; a rejected, disabled or missing key does not", () => {
    const { card } = renderSection([keyFor(google), rejected(openai), keyFor(anthropic, { isEnabled: false })]);
    const link = within(card("Google Gemini")).getByRole("link", { name: "Try it in the Playground" });
    expect(link.getAttribute("href")).toBe(`/playground?provider=${google.id}`);
    expect(within(card("OpenAI")).queryByRole("link", { name: "Try it in the Playground" })).toBeNull();
    expect(within(card("Anthropic")).queryByRole("link", { name: "Try it in the Playground" })).toBeNull();
  });

  it("the notice at the top names the rejected enabled keys, and goes when the key is disabled", async () => {
    const api = fakeApi();
    const { user, card } = renderSection([rejected(openai), rejected(google, { isEnabled: false })]);
    const notice = screen.getByTestId("rejected-keys-notice");
    expect(notice.getAttribute("role")).toBe("alert");
    expect(notice.textContent).toContain("Your OpenAI API key was rejected by OpenAI");
    expect(notice.textContent).not.toContain("Google");
    expect(within(notice).getByRole("link", { name: "Go to the OpenAI key" }).getAttribute("href")).toBe(
      "#provider-openai",
    );

    api.answer(200, { ...rejected(openai), isEnabled: false });
    await user.click(within(card("OpenAI")).getByRole("switch"));
    await waitFor(() => expect(screen.queryByTestId("rejected-keys-notice")).toBeNull());
  });

  it("a successful test of the stored key reloads the keys: the card turns healthy and the notice goes", async () => {
    const api = fakeApi();
    const { user, card } = renderSection([rejected(openai)]);
    await user.click(within(card("OpenAI")).getByRole("button", { name: "Update API Key" }));
    const dialog = await screen.findByRole("dialog", { name: "OpenAI API Key" });
    api.answer(200, {
      valid: true,
      status: "valid",
      message: "Verified with OpenAI: the key can list models.",
      httpStatus: 200,
    });
    api.answer(200, [keyFor(openai, { healthCheckedAt: new Date(NOW).toISOString() })]);
    await user.click(within(dialog).getByRole("button", { name: "Test saved key" }));
    await waitFor(() => expect(screen.queryByTestId("rejected-keys-notice")).toBeNull());
    expect(api.calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      "POST /api/user/api-keys/test",
      "GET /api/user/api-keys",
    ]);
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(within(card("OpenAI")).queryByTestId("health-badge")).toBeNull();
  });
});

describe("usage", () => {
  it("says when the key was last used and how many tokens it spent in 30 days", () => {
    const { card } = renderSection([
      keyFor(openai, {
        lastUsedAt: "2026-11-25T11:55:00Z",
        usage: { requests: 31, inputTokens: 9_000, outputTokens: 3_400, errors: 2, costMicroUsd: 0 },
      }),
      keyFor(anthropic),
    ]);
    expect(within(card("OpenAI")).getByTestId("usage-line").textContent).toBe(
      "Used 5 minutes ago · 12.4k tokens in 30 days · 2 failed",
    );
    expect(within(card("Anthropic")).getByTestId("usage-line").textContent).toBe(
      "Not used yet · no requests in 30 days",
    );
  });

  it("draws the chart the server made for the key, not for a key that is gone", async () => {
    const api = fakeApi();
    const key = keyFor(openai);
    const days = usageByKey(
      [{ apiKeyId: key.id, day: "2026-11-25", requests: 4, inputTokens: 40, outputTokens: 2, errors: 1 }],
      NOW,
    ).get(key.id)!;
    const { user, card } = renderSection([key], { [key.id]: <UsageChart days={days} /> });
    const chart = within(card("OpenAI")).getByRole("img");
    expect(chart.getAttribute("aria-label")).toBe(
      "Requests per day over the last 30 days: 4 in all, 1 failed; busiest Nov 25 with 4.",
    );
    expect(chart.querySelectorAll("[data-day]")).toHaveLength(30);

    await user.click(within(card("OpenAI")).getByRole("button", { name: "Update API Key" }));
    const dialog = await screen.findByRole("dialog");
    await user.click(within(dialog).getByRole("button", { name: "Delete API Key" }));
    api.answer(200, { success: true });
    await user.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Delete API Key" }));
    await waitFor(() => expect(within(card("OpenAI")).queryByRole("img")).toBeNull());
  });
});

describe("models", () => {
  it("loads on demand: the count and the list, then the keys again (the answer may change health)", async () => {
    const api = fakeApi();
    const { user, card } = renderSection([keyFor(openai), keyFor(anthropic, { isEnabled: false })]);
    expect(within(card("Anthropic")).queryByRole("button", { name: "Show models" })).toBeNull(); // a disabled key
    api.answer(200, {
      providerId: openai.id,
      models: [
        { id: "gpt-4o", name: "gpt-4o" },
        { id: "o3-mini", name: "o3-mini" },
      ],
      fetchedAt: "2026-11-25T12:00:00.000Z",
      servedBy: { id: keyFor(openai).id, label: keyFor(openai).label, apiKey: keyFor(openai).apiKey },
    });
    api.answer(200, [keyFor(openai), keyFor(anthropic, { isEnabled: false })]);
    const show = within(card("OpenAI")).getByRole("button", { name: "Show models" });
    expect(show.getAttribute("aria-expanded")).toBe("false");
    await user.click(show);
    expect(await within(card("OpenAI")).findByText("2 models available with this key")).toBeTruthy();
    expect(
      within(within(card("OpenAI")).getByTestId("model-list"))
        .getAllByRole("listitem")
        .map((li) => li.textContent),
    ).toEqual(["gpt-4o", "o3-mini"]);
    expect(within(card("OpenAI")).getByRole("button", { name: "Hide models" }).getAttribute("aria-expanded")).toBe(
      "true",
    );
    await waitFor(() => expect(api.calls).toHaveLength(2));
    expect(api.calls.map((c) => c.url)).toEqual([
      `/api/user/api-keys/models?providerId=${openai.id}`,
      "/api/user/api-keys",
    ]);
  });

  it("shows the provider's refusal, and the card turns rejected with the reloaded keys", async () => {
    const api = fakeApi();
    const { user, card } = renderSection([keyFor(openai)]);
    api.answer(400, { error: "OpenAI rejected this key.", code: "invalid_api_key" });
    api.answer(200, [rejected(openai)]);
    await user.click(within(card("OpenAI")).getByRole("button", { name: "Show models" }));
    expect((await within(card("OpenAI")).findByRole("alert")).textContent).toBe("OpenAI rejected this key.");
    await waitFor(() => expect(within(card("OpenAI")).getByTestId("health-badge").textContent).toBe("Rejected"));
    expect(screen.getByTestId("rejected-keys-notice")).toBeTruthy();
  });
});

describe("the activity panel", () => {
  const event = (
    id: number,
    type: ActivityEventView["type"],
    detail: ActivityEventView["detail"] = {},
    providerId: string | null = openai.id,
  ): ActivityEventView => ({
    id: String(id),
    at: new Date(NOW - id * 60_000).toISOString(),
    type,
    providerId,
    detail,
  });

  it("lists events newest first in sentences, and loads older ones with the cursor", async () => {
    const api = fakeApi();
    const user = userEvent.setup();
    const page: ActivityPageView = {
      events: [
        event(3, "key_health_changed", { from: "ok", to: "rejected", source: "recheck" }),
        event(2, "key_tested", { health: "ok" }),
        event(1, "signed_in", {}, null),
      ],
      nextCursor: "1",
    };
    render(<ActivityPanel initialPage={page} providers={providers} now={NOW} />);
    const items = () =>
      within(screen.getByTestId("activity-list"))
        .getAllByRole("listitem")
        .map((li) => li.textContent);
    expect(items()).toEqual([
      "The OpenAI key is now rejected (was working), found by a scheduled re-check3 minutes ago",
      "Tested the OpenAI key: working2 minutes ago",
      "Signed in1 minute ago",
    ]);
    api.answer(200, {
      events: [{ ...event(0, "key_created", { checked: false, health: "unchecked" }), id: "0" }],
      nextCursor: null,
    });
    await user.click(screen.getByRole("button", { name: "Load more" }));
    await waitFor(() => expect(items()).toHaveLength(4));
    expect(api.calls[0]!.url).toBe("/api/user/activity?cursor=1");
    expect(items()[3]).toMatch(/^Added the OpenAI key without a check/);
    expect(screen.queryByRole("button", { name: "Load more" })).toBeNull();
  });

  it("puts new events on top when a key changes elsewhere on the page", async () => {
    const api = fakeApi();
    render(
      <>
        <ApiKeysSection providers={providers} initialKeys={[keyFor(openai)]} now={NOW} />
        <ActivityPanel
          initialPage={{ events: [event(1, "key_created", { checked: true, health: "ok" })], nextCursor: null }}
          providers={providers}
          now={NOW}
        />
      </>,
    );
    api.answer(200, { ...keyFor(openai), isEnabled: false });
    api.answer(200, {
      events: [event(2, "key_disabled"), event(1, "key_created", { checked: true, health: "ok" })],
      nextCursor: null,
    });
    await act(async () => screen.getByRole("switch").click());
    await waitFor(() => expect(within(screen.getByTestId("activity-list")).getAllByRole("listitem")).toHaveLength(2));
    expect(within(screen.getByTestId("activity-list")).getAllByRole("listitem")[0]!.textContent).toMatch(
      /^Disabled the OpenAI key/,
    );
  });

  it("says so when there is nothing yet", () => {
    render(<ActivityPanel initialPage={{ events: [], nextCursor: null }} providers={providers} now={NOW} />);
    expect(screen.getByText(/Nothing yet/)).toBeTruthy();
  });

  describe("deferred on the settings page (its code loads when needed)", () => {
    /** An IntersectionObserver that reports only when told to. */
    function fakeObserver() {
      const observers: {
        callback: IntersectionObserverCallback;
        options?: IntersectionObserverInit;
        disconnected: boolean;
      }[] = [];
      vi.stubGlobal(
        "IntersectionObserver",
        class {
          entry: (typeof observers)[number];
          constructor(callback: IntersectionObserverCallback, options?: IntersectionObserverInit) {
            this.entry = { callback, options, disconnected: false };
            observers.push(this.entry);
          }
          observe() {}
          disconnect() {
            this.entry.disconnected = true;
          }
        },
      );
      return {
        observers,
        comeNear: () =>
          act(() =>
            observers
              .at(-1)!
              .callback([{ isIntersecting: true } as IntersectionObserverEntry], {} as IntersectionObserver),
          ),
      };
    }
    const page: ActivityPageView = {
      events: [event(2, "key_tested", { health: "ok" }), event(1, "key_created", { checked: true, health: "ok" })],
      nextCursor: "1",
    };
    /** As app/settings/page.tsx renders it: the server's markup inside the deferring wrapper. */
    const deferred = (initialPage = page) => (
      <DeferredActivity initialPage={initialPage} providers={providers} now={NOW}>
        <ActivityView
          events={initialPage.events}
          names={providerNames(providers)}
          now={NOW}
          more={initialPage.nextCursor ? <button data-wake="more">Load more</button> : null}
        />
      </DeferredActivity>
    );
    const items = () =>
      within(screen.getByTestId("activity-list"))
        .getAllByRole("listitem")
        .map((li) => li.textContent);

    it("shows the server's events; coming near the screen loads the panel, which asks nothing until needed", async () => {
      const api = fakeApi();
      const observer = fakeObserver();
      const user = userEvent.setup();
      render(deferred());
      expect(items()).toEqual(["Tested the OpenAI key: working2 minutes ago", "Added the OpenAI key1 minute ago"]);
      expect(observer.observers[0]!.options?.rootMargin).toBe("400px");
      await observer.comeNear();
      await waitFor(() => expect(observer.observers[0]!.disconnected).toBe(true));
      expect(api.calls).toEqual([]);
      api.answer(200, { events: [event(0, "signed_in", {}, null)], nextCursor: null });
      await user.click(await screen.findByRole("button", { name: "Load more" }));
      await waitFor(() => expect(items()).toHaveLength(3));
      expect(api.calls.map((c) => c.url)).toEqual(["/api/user/activity?cursor=1"]);
    });

    it("'Load more' on the server's markup loads the panel and the older events", async () => {
      const api = fakeApi();
      fakeObserver();
      const user = userEvent.setup();
      render(deferred());
      api.answer(200, { events: [event(0, "signed_in", {}, null)], nextCursor: null });
      await user.click(screen.getByRole("button", { name: "Load more" }));
      await waitFor(() => expect(items()).toHaveLength(3));
      expect(items()[2]).toMatch(/^Signed in/);
      expect(api.calls.map((c) => c.url)).toEqual(["/api/user/activity?cursor=1"]);
      expect(screen.queryByRole("button", { name: "Load more" })).toBeNull();
    });

    it("a key change, then 'Load more' before the panel is up: both the new events and the older ones arrive", async () => {
      const api = fakeApi();
      fakeObserver();
      const user = userEvent.setup();
      render(deferred());
      api.answer(200, { events: [event(3, "key_disabled"), ...page.events], nextCursor: "1" });
      api.answer(200, { events: [event(0, "signed_in", {}, null)], nextCursor: null });
      act(() => announceKeyChange());
      await user.click(screen.getByRole("button", { name: "Load more" }));
      await waitFor(() => expect(items()).toHaveLength(4));
      expect(items()[0]).toMatch(/^Disabled the OpenAI key/);
      expect(items()[3]).toMatch(/^Signed in/);
      expect(api.calls.map((c) => c.url).sort()).toEqual(["/api/user/activity", "/api/user/activity?cursor=1"]);
    });

    it("a key changed elsewhere on the page loads the panel, with the new events on top", async () => {
      const api = fakeApi();
      fakeObserver();
      render(
        <>
          <ApiKeysSection providers={providers} initialKeys={[keyFor(openai)]} now={NOW} />
          {deferred({ events: [event(1, "key_created", { checked: true, health: "ok" })], nextCursor: null })}
        </>,
      );
      api.answer(200, { ...keyFor(openai), isEnabled: false });
      api.answer(200, {
        events: [event(2, "key_disabled"), event(1, "key_created", { checked: true, health: "ok" })],
        nextCursor: null,
      });
      await act(async () => screen.getByRole("switch").click());
      await waitFor(() => expect(items()).toHaveLength(2));
      expect(items()[0]).toMatch(/^Disabled the OpenAI key/);
    });
  });
});
