import "server-only";
import { env } from "@/lib/env";
import pino, { type DestinationStream, type Logger } from "pino";
import { currentRequestId } from "./request-context";

/**
 * The server's one logger: one JSON object per line on stdout, `LOG_LEVEL` (default info), the request id of the
 * request being served (lib/request-context.ts) on every line. Messages are our own sentences; driver errors
 * go through lib/db/errors.ts `describeDatabaseError` first (drizzle's messages list query parameters).
 *
 * Redaction is a second line of defence, not the first: a field named like a secret is censored wherever a
 * caller put it by mistake (pino's paths match fixed depths, hence each name at the top and one level down).
 */
const SECRET_FIELDS = [
  "apiKey",
  "key",
  "password",
  "passwordHash",
  "token",
  "secret",
  "encryptedKey",
  "authorization",
  "cookie",
  "params",
  "credentials",
  "pin",
];
export const REDACTED_PATHS = SECRET_FIELDS.flatMap((field) => [field, `*.${field}`]);

export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level || "info",
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      mixin: () => {
        const requestId = currentRequestId();
        return requestId ? { requestId } : {};
      },
    },
    // process.stdout rather than pino's own file-descriptor writer: written lines stay in order with the
    // framework's, and a test can capture them where they go (tests/fixtures/logs.ts).
    options.destination ?? process.stdout,
  );
}

export const log: Logger = createLogger({ level: env("LOG_LEVEL") });
