import "server-only";
import { z } from "zod";
import { AppError } from "@/lib/errors";
import { readLimited } from "@/lib/net/read-limited";
import { NUL_MESSAGE, pathsWithNul } from "@/lib/validation/storable-text";

export const MAX_BODY_BYTES = 16 * 1024;

/**
 * The body, read at most MAX_BODY_BYTES whether or not the client sent Content-Length (or told the truth in it);
 * `payload_too_large` beyond. Shared with next-auth's routes (lib/api/next-auth-route.ts).
 */
export async function readCappedBody(request: Request, maxBytes = MAX_BODY_BYTES): Promise<Buffer> {
  if (Number(request.headers.get("content-length")) > maxBytes) throw tooLarge(maxBytes);
  const bytes = await readLimited(request.body, maxBytes);
  if (!bytes) throw tooLarge(maxBytes);
  return bytes;
}

async function readText(request: Request, maxBytes: number): Promise<string> {
  return new TextDecoder("utf-8", { fatal: true }).decode(await readCappedBody(request, maxBytes));
}

function tooLarge(maxBytes: number): AppError {
  return new AppError("payload_too_large", `The request body is larger than ${maxBytes / 1024} KiB.`);
}

function isJson(contentType: string | null): boolean {
  const type = contentType?.split(";")[0]?.trim().toLowerCase();
  return type === "application/json" || (type?.endsWith("+json") ?? false);
}

/** Content type (415) → size (413, past `maxBytes`) → JSON (400) → NUL characters, then the schema (400, naming the field). */
export async function parseJsonBody<S extends z.ZodType>(
  request: Request,
  schema: S,
  maxBytes = MAX_BODY_BYTES,
): Promise<z.output<S>> {
  if (!isJson(request.headers.get("content-type"))) {
    throw new AppError("unsupported_media_type", "Send the request body as JSON (Content-Type: application/json).");
  }
  let text: string;
  try {
    text = await readText(request, maxBytes);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError("invalid_json", "The request body is not valid UTF-8 text.");
  }
  if (text.trim() === "") throw new AppError("invalid_json", "The request body is empty; send a JSON object.");
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new AppError("invalid_json", "The request body is not valid JSON.");
  }
  refuseNul("invalid_body", data);
  const result = schema.safeParse(data);
  if (!result.success) throw new InvalidInputError("invalid_body", result.error);
  return result.data;
}

/** A NUL character in any field (lib/validation/storable-text.ts): 400 naming each field that holds one. */
export function refuseNul(code: "invalid_body" | "invalid_query", data: unknown): void {
  const paths = pathsWithNul(data);
  if (paths.length === 0) return;
  throw new InvalidInputError(
    code,
    new z.ZodError(paths.map((path) => ({ code: "custom", path, message: NUL_MESSAGE, input: undefined }))),
  );
}

/** A body (or query string) that fails its schema: the first problem as the message, every field's in `fields`. */
export class InvalidInputError extends AppError {
  constructor(code: "invalid_body" | "invalid_query", error: z.ZodError) {
    const fields: Record<string, string> = {};
    for (const issue of error.issues) {
      const keys = issue.code === "unrecognized_keys" ? issue.keys : [issue.path.join(".") || "body"];
      for (const key of keys) {
        fields[key] ??= issue.code === "unrecognized_keys" ? `"${key}" is not an accepted field.` : bodyMessage(issue);
      }
    }
    const [first] = Object.entries(fields);
    const message = first
      ? first[0] === "body"
        ? first[1]
        : `${first[0]}: ${first[1]}`
      : "The request body is invalid.";
    super(code, message, { details: { fields } });
  }
}

function bodyMessage(issue: z.core.$ZodIssue): string {
  if (issue.path.length === 0 && issue.code === "invalid_type") return "Send a JSON object.";
  if (issue.code === "invalid_type" && issue.input === undefined) return "This field is required.";
  return issue.message;
}
