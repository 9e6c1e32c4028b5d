import { describe, expect, it } from "vitest";
import { costText, usd } from "@/lib/client/format";

describe("usd", () => {
  it("shows dollars with cents, and a fraction of a cent under a dollar rather than rounding it away", () => {
    expect(usd(0)).toBe("$0.00");
    expect(usd(12_500_000)).toBe("$12.50");
    expect(usd(1_234_567_890)).toBe("$1,234.57");
    expect(usd(10_000)).toBe("$0.01");
    expect(usd(500_000)).toBe("$0.50");
    expect(usd(12_000)).toBe("$0.012");
    expect(usd(4_200)).toBe("$0.0042");
    expect(usd(123_456)).toBe("$0.1235");
    expect(usd(42)).toBe("$0.000042");
    expect(usd(1)).toBe("$0.000001");
  });

  it("says unpriced rather than $0 for answers without a price", () => {
    expect(costText({ requests: 0, costMicroUsd: 0, unpricedRequests: 0 })).toBe("none");
    expect(costText({ requests: 2, costMicroUsd: 0, unpricedRequests: 2 })).toBe("unpriced");
    expect(costText({ requests: 3, costMicroUsd: 12_000, unpricedRequests: 1 })).toBe("$0.012 + 1 unpriced");
  });
});
