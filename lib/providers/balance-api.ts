import "server-only";

/**
 * Where a provider tells a key's balance, and how its answer reads (CONTRACT-WAVE3 "Spend and budgets"):
 * OpenRouter `GET /key` (`data.limit`, `data.usage`, `data.limit_remaining`; a key without a limit has none, so
 * nothing to tell), DeepSeek `GET /user/balance` (`balance_infos[]` per currency, amounts as strings).
 */
export interface BalanceReading {
  currency: string;
  remainingUsd: number;
  limitUsd?: number;
  usedUsd?: number;
}

export interface BalanceSpec {
  path: string;
  /** The balance in the provider's answer; undefined when the answer is not that shape or tells none. */
  read: (body: unknown) => BalanceReading | undefined;
}

const record = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
const amount = (value: unknown): number | undefined => {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
};

export const BALANCE_API: Partial<Record<string, BalanceSpec>> = {
  openrouter: {
    path: "/key",
    read(body) {
      const data = record(record(body)?.data);
      if (!data) return undefined;
      const limit = amount(data.limit);
      const used = amount(data.usage);
      const remaining =
        amount(data.limit_remaining) ?? (limit !== undefined && used !== undefined ? limit - used : undefined);
      if (remaining === undefined) return undefined;
      return {
        currency: "USD",
        remainingUsd: remaining,
        ...(limit !== undefined ? { limitUsd: limit } : {}),
        ...(used !== undefined ? { usedUsd: used } : {}),
      };
    },
  },
  deepseek: {
    path: "/user/balance",
    read(body) {
      const infos = record(body)?.balance_infos;
      if (!Array.isArray(infos)) return undefined;
      const readings = infos.flatMap((info) => {
        const entry = record(info);
        const total = amount(entry?.total_balance);
        return entry && typeof entry.currency === "string" && total !== undefined
          ? [{ currency: entry.currency, remainingUsd: total }]
          : [];
      });
      // Dollars when the account has them; otherwise the first currency it answers in (CNY), named as such.
      return readings.find((r) => r.currency === "USD") ?? readings[0];
    },
  },
};
