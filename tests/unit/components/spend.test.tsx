// @vitest-environment jsdom
import "./setup";
import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { SpendSection } from "@/components/spend/spend-section";
import type { SpendData } from "@/lib/spend/spend-page";
import type { ListedKeyView } from "@/lib/validation/api-keys";
import type { ProviderView } from "@/lib/validation/providers";
import { openai } from "../../fixtures/providers";

/** The settings page's "Spend", rendered on the server: month, chart, by key and by model, CSV; unpriced never $0. */
const custom: ProviderView = {
  id: "22222222-2222-4222-8222-222222222222",
  registryId: "custom",
  name: "My Ollama",
  description: "",
  baseUrl: "http://localhost:11434/v1",
};
const keyId = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
const key = { id: keyId, providerId: openai.id, label: "Work" } as ListedKeyView;

const zero = { requests: 0, inputTokens: 0, outputTokens: 0, costMicroUsd: 0, unpricedRequests: 0 };
const days = Array.from({ length: 30 }, (_, i) => ({ group: `2026-11-${String(i + 1).padStart(2, "0")}`, ...zero }));
days[27] = {
  group: "2026-11-28",
  requests: 4,
  inputTokens: 1000,
  outputTokens: 500,
  costMicroUsd: 1_250_000,
  unpricedRequests: 0,
};
days[29] = {
  group: "2026-11-30",
  requests: 2,
  inputTokens: 10,
  outputTokens: 10,
  costMicroUsd: 0,
  unpricedRequests: 2,
};

const spend: SpendData = {
  month: {
    from: "2026-11-01",
    to: "2026-11-30",
    requests: 6,
    inputTokens: 1010,
    outputTokens: 510,
    costMicroUsd: 1_250_000,
    unpricedRequests: 2,
  },
  days: { from: "2026-11-01", to: "2026-11-30", groupBy: "day", rows: days, total: zero },
  byKey: {
    from: "2026-11-01",
    to: "2026-11-30",
    groupBy: "key",
    rows: [
      { group: keyId, requests: 4, inputTokens: 1000, outputTokens: 500, costMicroUsd: 1_250_000, unpricedRequests: 0 },
      {
        group: "cccccccc-cccc-4ccc-8ccc-cccccccccccc",
        requests: 2,
        inputTokens: 10,
        outputTokens: 10,
        costMicroUsd: 0,
        unpricedRequests: 2,
      },
    ],
    total: zero,
  },
  monthByKey: {
    from: "2026-11-01",
    to: "2026-11-30",
    groupBy: "key",
    rows: [
      { group: keyId, requests: 1, inputTokens: 250, outputTokens: 125, costMicroUsd: 312_500, unpricedRequests: 0 },
    ],
    total: zero,
  },
  byModel: {
    from: "2026-11-01",
    to: "2026-11-30",
    groupBy: "model",
    rows: [
      {
        group: "llama3.2:3b",
        providerId: custom.id,
        requests: 2,
        inputTokens: 10,
        outputTokens: 10,
        costMicroUsd: 0,
        unpricedRequests: 2,
      },
    ],
    total: zero,
  },
};

describe("spend", () => {
  it("this month's spend counts unpriced answers apart; the chart says the total and the costliest day", () => {
    render(<SpendSection spend={spend} keys={[key]} providers={[openai, custom]} />);
    expect(screen.getByTestId("month-spend").textContent).toBe("$1.25 + 2 unpriced");
    const chart = screen.getByRole("img", { name: /^Spend per day over the last 30 days/ });
    expect(chart.getAttribute("aria-label")).toBe(
      "Spend per day over the last 30 days: $1.25 + 2 unpriced in all; most on Nov 28 with $1.25.",
    );
    expect(chart.querySelectorAll("[data-day]")).toHaveLength(30);
  });

  it("by key (with this month's cost, what budgets count) and by model: names, requests, tokens, unpriced rows as unpriced, never $0", () => {
    render(<SpendSection spend={spend} keys={[key]} providers={[openai, custom]} />);
    const byKey = within(screen.getByTestId("spend-by-key"));
    expect(byKey.getByRole("row", { name: "OpenAI · Work 4 1.5k $0.3125 $1.25" })).toBeTruthy();
    expect(byKey.getByRole("row", { name: "A deleted key 2 20 none unpriced" })).toBeTruthy();
    const byModel = within(screen.getByTestId("spend-by-model"));
    expect(byModel.getByRole("row", { name: "llama3.2:3b My Ollama 2 20 unpriced" })).toBeTruthy();
    expect(screen.getByTestId("spend-section").textContent).not.toContain("$0.00");
  });

  it("Download CSV links the usage report as CSV for the same 30 days", () => {
    render(<SpendSection spend={spend} keys={[key]} providers={[openai, custom]} />);
    const link = screen.getByRole("link", { name: "Download CSV" });
    expect(link.getAttribute("href")).toBe("/api/user/usage?from=2026-11-01&to=2026-11-30&groupBy=day&format=csv");
    expect(link.hasAttribute("download")).toBe(true);
    expect(
      screen.getByRole("link", { name: "CSV of the spend by model, last 30 days" }).getAttribute("href"),
    ).toContain("groupBy=model&format=csv");
  });

  it("no use yet: says so instead of empty tables", () => {
    const none: SpendData = {
      ...spend,
      month: { ...spend.month, ...zero },
      byKey: { ...spend.byKey, rows: [] },
      byModel: { ...spend.byModel, rows: [] },
    };
    render(<SpendSection spend={none} keys={[]} providers={[openai]} />);
    expect(screen.getByTestId("month-spend").textContent).toBe("none");
    expect(screen.getAllByText("No requests in the last 30 days.")).toHaveLength(2);
  });
});
