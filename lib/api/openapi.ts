import { z } from "zod";
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from "zod-openapi";
import { type ErrorCode, statusOf } from "@/lib/errors";
import { apiErrorSchema } from "@/lib/validation/errors";
import { errorCodesOf, type Operation, operations } from "./operations";
import { failure, formPaths, withFormPost } from "./openapi-forms";
import { gatewayPaths } from "./openapi-gateway";
import { nextAuthPaths } from "./openapi-next-auth";

/**
 * The OpenAPI 3.1 document of the REST API, generated from the operations table (operations.ts) and the zod
 * schemas the routes parse with; served at GET /api/openapi.json. Built once per process.
 */

const STATUS_TEXT: Record<number, string> = {
  400: "Bad request",
  401: "Not signed in",
  403: "Forbidden",
  404: "Not found",
  409: "Conflict",
  413: "Body too large",
  415: "Not JSON",
  429: "Too many requests (see Retry-After)",
  502: "The provider could not be reached",
  503: "The database is unavailable (see Retry-After)",
};

function errorResponses(codes: ErrorCode[]): ZodOpenApiOperationObject["responses"] {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(statusOf(code), [...(byStatus.get(statusOf(code)) ?? []), code]);
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [
      String(status),
      failure(`${STATUS_TEXT[status] ?? "Error"}: ${list.map((c) => `\`${c}\``).join(", ")}`),
    ]),
  );
}

function toOperationObject(op: Operation, operationId: string): ZodOpenApiOperationObject {
  return {
    operationId,
    summary: op.summary,
    ...(op.signedIn ? { security: [{ session: [] }] } : {}),
    ...(op.params || op.query
      ? {
          requestParams: {
            ...(op.params ? { path: op.params as z.ZodObject } : {}),
            ...(op.query ? { query: op.query as z.ZodObject } : {}),
          },
        }
      : {}),
    ...(op.body ? { requestBody: { required: true, content: { "application/json": { schema: op.body } } } } : {}),
    responses: {
      [String(op.status)]: op.stream
        ? { description: op.stream.description, content: { [op.stream.contentType]: { schema: op.response } } }
        : {
            description: "Success",
            content: {
              "application/json": { schema: op.response },
              ...(op.csv ? { "text/csv": { schema: z.string().meta({ description: op.csv }) } } : {}),
            },
          },
      ...errorResponses(errorCodesOf(op)),
    },
  };
}

const healthSchema = z.object({ db: z.literal("ok") });
const liveSchema = z.object({ status: z.literal("ok") });

function paths(): ZodOpenApiPathsObject {
  const result: ZodOpenApiPathsObject = {};
  for (const [name, op] of Object.entries(operations) as [string, Operation][]) {
    result[op.path] = { ...result[op.path], [op.method]: toOperationObject(op, name) };
  }
  result[operations.register.path] = { post: withFormPost(toOperationObject(operations.register, "register")) };
  result["/api/health"] = {
    get: {
      summary: "Readiness: the database answers, and the instance is not stopping",
      responses: {
        "200": { description: "Ready", content: { "application/json": { schema: healthSchema } } },
        "503": {
          description:
            "Not ready: the database is not answering (database_unavailable), or the instance is stopping (shutting_down: " +
            "for SHUTDOWN_DRAIN_MS after SIGTERM, while it still serves, so that a load balancer takes it out first)",
          content: {
            "application/json": { schema: apiErrorSchema.extend({ db: z.enum(["unavailable", "unchecked"]) }) },
          },
        },
      },
    },
  };
  result["/api/health/live"] = {
    get: {
      summary: "Liveness: the process answers (touches no database)",
      responses: { "200": { description: "Alive", content: { "application/json": { schema: liveSchema } } } },
    },
  };
  result["/api/openapi.json"] = {
    get: {
      summary: "This document",
      responses: { "200": { description: "The OpenAPI 3.1 document", content: { "application/json": {} } } },
    },
  };
  return withOperationIds({ ...result, ...nextAuthPaths, ...formPaths, ...gatewayPaths });
}

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

/**
 * Operations outside the table (health, next-auth, the forms, the gateway) are named from their method and path,
 * `GET /api/auth/csrf` as `getAuthCsrf`, so that a generated client gives each a function name; an operation that
 * needs neither a session nor a token says so (`security: []`) rather than leaving it unsaid.
 */
function withOperationIds(all: ZodOpenApiPathsObject): ZodOpenApiPathsObject {
  for (const [path, item] of Object.entries(all)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const words = path
        .replace(/^\/api\//, "")
        .split(/[^A-Za-z0-9]+/)
        .filter(Boolean);
      item[method] = {
        ...operation,
        operationId:
          operation.operationId ?? method + words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join(""),
        security: operation.security ?? [],
      };
    }
  }
  return all;
}

let built: ReturnType<typeof createDocument> | undefined;

export function openApiDocument(): ReturnType<typeof createDocument> {
  built ??= createDocument({
    openapi: "3.1.0",
    info: {
      title: "Keyring REST API",
      version: "1",
      license: { name: "Proprietary", identifier: "LicenseRef-Proprietary" },
      description:
        "Bring your own AI provider keys. Every failure is `{ error, code }`; state changes must come from this " +
        "site (Origin) and carry JSON. Keys are never returned: only their mask.",
    },
    servers: [{ url: "/", description: "This site (the document is served by the deployment it describes)" }],
    components: {
      securitySchemes: {
        session: {
          type: "apiKey",
          in: "cookie",
          name: "next-auth.session-token",
          description: "next-auth's session cookie (`__Secure-` prefixed over https).",
        },
        accessToken: {
          type: "http",
          scheme: "bearer",
          description:
            "A personal access token (`kr_…`, created in Settings → Access tokens), for the gateway (/api/v1) only; `x-api-key` works too.",
        },
      },
    },
    paths: paths(),
  });
  return built;
}
