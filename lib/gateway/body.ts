import "server-only";
import { readLimited } from "@/lib/net/read-limited";
import { GatewayError } from "./errors";

/** The largest body the gateway reads (CONTRACT-WAVE3: 4 MiB); beyond, 413 before it is read whole. */
export const MAX_GATEWAY_BODY_BYTES = 4 << 20;

/** The request's JSON body, an object: 413 over 4 MiB, 400 when it is not JSON or not an object. */
export async function readJsonObject(request: Request): Promise<Record<string, unknown>> {
  const declared = Number(request.headers.get("content-length"));
  if (declared > MAX_GATEWAY_BODY_BYTES) throw tooLarge();
  const bytes = await readLimited(request.body, MAX_GATEWAY_BODY_BYTES);
  if (!bytes) throw tooLarge();
  let body: unknown;
  try {
    body = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new GatewayError("invalid_request", "invalid_json", "The body is not valid JSON.");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new GatewayError("invalid_request", "invalid_body", "The body must be a JSON object.");
  }
  return body as Record<string, unknown>;
}

const tooLarge = () =>
  new GatewayError("too_large", "payload_too_large", `The body is larger than ${MAX_GATEWAY_BODY_BYTES >> 20} MiB.`);
