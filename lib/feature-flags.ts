import "server-only";
import { env } from "@/lib/env";
import { log } from "@/lib/log";

/**
 * Feature flags: a typed record with safe defaults, overridden by FEATURE_FLAGS ("name=true,other=false").
 * Evaluated on the server only; the UI receives the result as props.
 */
const DEFAULTS = {
  showApiKeyManagement: true,
  showPlayground: true,
} as const satisfies Record<string, boolean>;

export type FeatureFlag = keyof typeof DEFAULTS;

/** What a route answers (403) while its flag is off. */
const OFF_MESSAGES: Record<FeatureFlag, string> = {
  showApiKeyManagement: "API key management is turned off on this server.",
  showPlayground: "The playground is turned off on this server.",
};

export function featureOffMessage(flag: FeatureFlag): string {
  return OFF_MESSAGES[flag];
}
export type FeatureFlags = Record<FeatureFlag, boolean>;

export class FeatureFlagConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FeatureFlagConfigError";
  }
}

export function parseFeatureFlags(
  value: string | undefined,
  warn: (message: string) => void = (message) => log.warn({ scope: "flags" }, message),
): FeatureFlags {
  const flags: FeatureFlags = { ...DEFAULTS };
  for (const entry of (value ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean)) {
    const match = /^([A-Za-z][A-Za-z0-9_]*)\s*=\s*(true|false|1|0|on|off)$/i.exec(entry);
    if (!match) {
      throw new FeatureFlagConfigError(
        `FEATURE_FLAGS has a malformed entry "${entry}". Expected name=true or name=false, e.g. "showApiKeyManagement=false".`,
      );
    }
    const [, name, raw] = match as unknown as [string, string, string];
    if (!(name in DEFAULTS)) {
      warn(`FEATURE_FLAGS names an unknown flag "${name}"; known flags: ${Object.keys(DEFAULTS).join(", ")}.`);
      continue;
    }
    flags[name as FeatureFlag] = /^(true|1|on)$/i.test(raw);
  }
  return flags;
}

let cached: { source: string | undefined; flags: FeatureFlags } | undefined;

export function getFeatureFlags(): FeatureFlags {
  const source = env("FEATURE_FLAGS");
  if (!cached || cached.source !== source) cached = { source, flags: parseFeatureFlags(source) };
  return cached.flags;
}

export function isFeatureEnabled(flag: FeatureFlag): boolean {
  return getFeatureFlags()[flag];
}
