import "server-only";
import { chatCompletions } from "./chat-completions";
import { preflight } from "./errors";
import { anthropicMessages } from "./messages";
import { listGatewayModels } from "./models";

/**
 * The gateway's routes, in one table: app/api/v1's route files export these handlers (so `next dev`, tests and any
 * server that does not take the gateway's own entry serve them through Next), and the gateway's entry
 * (lib/gateway/entry.ts) serves the same handlers straight from Node's HTTP server in production.
 */
export type GatewayHandler = (request: Request) => Promise<Response> | Response;

export const GATEWAY_ROUTES = {
  "/api/v1/models": { GET: listGatewayModels, OPTIONS: (request: Request) => preflight(request, "GET") },
  "/api/v1/chat/completions": { POST: chatCompletions, OPTIONS: (request: Request) => preflight(request, "POST") },
  "/api/v1/messages": { POST: anthropicMessages, OPTIONS: (request: Request) => preflight(request, "POST") },
} as const satisfies Record<string, Partial<Record<string, GatewayHandler>>>;
