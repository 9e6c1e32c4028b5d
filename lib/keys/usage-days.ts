import type { DailyUsage } from "@/lib/db/key-usage";

/** One day of a key's usage, as the settings page's chart draws it. */
export interface UsageDay {
  /** YYYY-MM-DD, UTC. */
  day: string;
  requests: number;
  errors: number;
  tokens: number;
}

export const USAGE_DAYS = 30;

/** The 30 UTC days ending on `now`'s, oldest first. */
export function usageWindow(now: number): string[] {
  const date = new Date(now);
  const today = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
  return Array.from({ length: USAGE_DAYS }, (_, i) =>
    new Date(today - (USAGE_DAYS - 1 - i) * 86_400_000).toISOString().slice(0, 10),
  );
}

/** Each key's days over the window, every day present (zero when unused); keys without usage are absent. */
export function usageByKey(rows: DailyUsage[], now: number): Map<string, UsageDay[]> {
  const days = usageWindow(now);
  const byKey = new Map<string, Map<string, DailyUsage>>();
  for (const row of rows) {
    if (!byKey.has(row.apiKeyId)) byKey.set(row.apiKeyId, new Map());
    byKey.get(row.apiKeyId)!.set(row.day, row);
  }
  return new Map(
    [...byKey].map(([apiKeyId, rowsByDay]) => [
      apiKeyId,
      days.map((day) => {
        const row = rowsByDay.get(day);
        return {
          day,
          requests: row?.requests ?? 0,
          errors: row?.errors ?? 0,
          tokens: (row?.inputTokens ?? 0) + (row?.outputTokens ?? 0),
        };
      }),
    ]),
  );
}
