import { z } from "zod";
import type { ErrorCode } from "@/lib/errors";
import type { FeatureFlag } from "@/lib/feature-flags";
import { activityPageSchema, activityQuerySchema } from "@/lib/validation/activity";
import {
  deleteApiKeySchema,
  deletedSchema,
  keyParamsSchema,
  keyTestResultSchema,
  keyViewSchema,
  listedKeyViewSchema,
  saveApiKeySchema,
  savedKeyViewSchema,
  testApiKeySchema,
  toggleApiKeySchema,
  updateApiKeySchema,
} from "@/lib/validation/api-keys";
import {
  changePasswordSchema,
  deleteAccountSchema,
  doneSchema,
  registeredUserSchema,
  registerSchema,
  revokedSessionsSchema,
} from "@/lib/validation/auth";
import { chatRequestSchema } from "@/lib/validation/chat";
import { createEndpointSchema, endpointParamsSchema, endpointViewSchema, updateEndpointSchema } from "@/lib/validation/endpoints";
import { modelListSchema, modelsQuerySchema } from "@/lib/validation/models";
import { providerParamsSchema, providerSettingsSchema, providerSettingsViewSchema, userProviderSchema } from "@/lib/validation/providers";

/**
 * Every operation of the REST API, declared once: the guard (handler.ts) takes its flag, body schema and status
 * from here, the route's handler must return its `response` shape (checked by the compiler), and the OpenAPI
 * document (openapi.ts) is generated from the same table.
 */
export interface Operation<
  B extends z.ZodType | undefined = z.ZodType | undefined,
  R extends z.ZodType = z.ZodType,
  P extends z.ZodType | undefined = z.ZodType | undefined,
  Q extends z.ZodType | undefined = z.ZodType | undefined,
> {
  method: "get" | "post" | "patch" | "delete";
  /** With `{name}` for each dynamic segment, described by `params`. */
  path: string;
  /** The path's dynamic segments (an object schema); omitted for fixed paths. */
  params?: P;
  summary: string;
  /** Whether a session is required (401 without one, or once it has ended). */
  signedIn: boolean;
  /** The handler's single statement checks that the session is live (401 when not), so the guard does not. */
  sessionCheckedByHandler?: true;
  /** The operation answers 403 while this flag is off. */
  flag?: FeatureFlag;
  /** The JSON body's schema; omitted for operations without a body. */
  body?: B;
  /** The largest body read (413 beyond); the guard's MAX_BODY_BYTES (16 KiB) when omitted. */
  maxBodyBytes?: number;
  /** A success that is a stream rather than JSON: its content type and what it carries (for the OpenAPI document). */
  stream?: { contentType: "text/event-stream"; description: string };
  /** The query string's schema (a strict object of strings); omitted for operations that take none. */
  query?: Q;
  /** Status and shape of a successful answer. */
  status: number;
  response: R;
  /** Failures particular to this operation; those every guarded route can give are added by `errorCodesOf`. */
  errors: readonly ErrorCode[];
}

const operation = <
  B extends z.ZodType | undefined,
  R extends z.ZodType,
  S extends boolean,
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
>(
  spec: Operation<B, R, P, Q> & { signedIn: S },
) => spec;

const keys = "/api/user/api-keys";
const endpoints = "/api/user/endpoints";
const flag = "showApiKeyManagement" satisfies FeatureFlag;

export const operations = {
  register: operation({
    method: "post",
    path: "/api/auth/register",
    summary: "Create an account",
    signedIn: false,
    body: registerSchema,
    status: 201,
    response: registeredUserSchema,
    errors: ["email_taken", "rate_limited"],
  }),
  listProviders: operation({
    method: "get",
    path: "/api/providers",
    summary: "The providers, and whether the signed-in user has a key for each",
    signedIn: true,
    // One statement: the query checks the session itself (lib/db/providers.ts).
    sessionCheckedByHandler: true,
    status: 200,
    response: z.array(userProviderSchema),
    errors: [],
  }),
  listApiKeys: operation({
    method: "get",
    path: keys,
    summary: "The signed-in user's keys, masked, with their health and their last 30 days of use",
    signedIn: true,
    sessionCheckedByHandler: true,
    flag,
    status: 200,
    response: z.array(listedKeyViewSchema),
    errors: [],
  }),
  saveApiKey: operation({
    method: "post",
    path: keys,
    summary: "Check a key with its provider, then save it: the key of `label` (created last when new), or without one the primary",
    signedIn: true,
    flag,
    body: saveApiKeySchema,
    status: 200,
    response: savedKeyViewSchema,
    errors: ["invalid_api_key", "endpoint_not_allowed", "provider_not_found", "provider_unreachable", "too_many_keys", "rate_limited"],
  }),
  deleteApiKey: operation({
    method: "delete",
    path: keys,
    summary: "Delete every key of a provider",
    signedIn: true,
    flag,
    body: deleteApiKeySchema,
    status: 200,
    response: deletedSchema,
    errors: ["api_key_not_found"],
  }),
  toggleApiKey: operation({
    method: "patch",
    path: keys,
    summary: "Enable or disable a provider's primary key",
    signedIn: true,
    flag,
    body: toggleApiKeySchema,
    status: 200,
    response: keyViewSchema,
    errors: ["api_key_not_found"],
  }),
  testApiKey: operation({
    method: "post",
    path: `${keys}/test`,
    summary: "Ask the provider about a key (the one given, a stored one by id, or the provider's primary) without saving",
    signedIn: true,
    flag,
    body: testApiKeySchema,
    status: 200,
    response: keyTestResultSchema,
    errors: ["endpoint_not_allowed", "provider_not_found", "api_key_not_found", "rate_limited"],
  }),
  updateApiKey: operation({
    method: "patch",
    path: `${keys}/{id}`,
    params: keyParamsSchema,
    summary: "Rename, enable or disable, move (0 = primary) or set the expiry of one key",
    signedIn: true,
    flag,
    body: updateApiKeySchema,
    status: 200,
    response: keyViewSchema,
    errors: ["api_key_not_found", "label_taken"],
  }),
  deleteApiKeyById: operation({
    method: "delete",
    path: `${keys}/{id}`,
    params: keyParamsSchema,
    summary: "Delete one key; the provider's keys after it move up",
    signedIn: true,
    flag,
    status: 200,
    response: deletedSchema,
    errors: ["api_key_not_found"],
  }),
  setProviderSettings: operation({
    method: "patch",
    path: "/api/providers/{id}/settings",
    params: providerParamsSchema,
    summary: "A provider's settings for the signed-in user: `fallback` false is \"Always use my first key\"",
    signedIn: true,
    flag,
    body: providerSettingsSchema,
    status: 200,
    response: providerSettingsViewSchema,
    errors: ["provider_not_found"],
  }),
  listEndpoints: operation({
    method: "get",
    path: endpoints,
    summary: "The signed-in user's custom endpoints (OpenAI-compatible), oldest first",
    signedIn: true,
    flag,
    status: 200,
    response: z.array(endpointViewSchema),
    errors: [],
  }),
  createEndpoint: operation({
    method: "post",
    path: endpoints,
    summary: "Add a custom endpoint (at most 10); its key is saved with the key routes (providerId = its id)",
    signedIn: true,
    flag,
    body: createEndpointSchema,
    status: 201,
    response: endpointViewSchema,
    errors: ["endpoint_not_allowed", "endpoint_limit_reached"],
  }),
  updateEndpoint: operation({
    method: "patch",
    path: `${endpoints}/{id}`,
    params: endpointParamsSchema,
    summary: "Rename or move a custom endpoint (a move to another origin removes its saved key)",
    signedIn: true,
    flag,
    body: updateEndpointSchema,
    status: 200,
    response: endpointViewSchema,
    errors: ["endpoint_not_allowed", "endpoint_not_found"],
  }),
  deleteEndpoint: operation({
    method: "delete",
    path: `${endpoints}/{id}`,
    params: endpointParamsSchema,
    summary: "Delete a custom endpoint and its saved key",
    signedIn: true,
    flag,
    status: 200,
    response: deletedSchema,
    errors: ["endpoint_not_found"],
  }),
  revokeSessions: operation({
    method: "post",
    path: "/api/user/sessions/revoke",
    summary: "Sign out everywhere: end every session of the signed-in user, this one included",
    signedIn: true,
    status: 200,
    response: revokedSessionsSchema,
    errors: [],
  }),
  changePassword: operation({
    method: "post",
    path: "/api/user/password",
    summary: "Change the password (the current one is required); every other session ends",
    signedIn: true,
    body: changePasswordSchema,
    status: 200,
    response: doneSchema,
    errors: ["wrong_password", "rate_limited"],
  }),
  deleteAccount: operation({
    method: "delete",
    path: "/api/user",
    summary: "Delete the account (its password is required) with its keys, sessions and everything else it owns",
    signedIn: true,
    body: deleteAccountSchema,
    status: 200,
    response: doneSchema,
    errors: ["wrong_password", "rate_limited"],
  }),
  listModels: operation({
    method: "get",
    path: `${keys}/models`,
    summary: "The models the stored key can reach, asked of the provider with that key (cached up to 10 minutes)",
    signedIn: true,
    flag,
    query: modelsQuerySchema,
    status: 200,
    response: modelListSchema,
    errors: ["provider_not_found", "api_key_not_found", "api_key_disabled", "api_key_undecryptable", "invalid_api_key", "provider_unreachable", "rate_limited"],
  }),
  chat: operation({
    method: "post",
    path: "/api/chat",
    summary: "Stream an answer from a provider through the signed-in user's own enabled key (the playground)",
    signedIn: true,
    flag: "showPlayground",
    body: chatRequestSchema,
    // 32,000 characters of text can be 128,000 bytes of UTF-8, plus the JSON around them.
    maxBodyBytes: 160 * 1024,
    status: 200,
    response: z.string(),
    stream: {
      contentType: "text/event-stream",
      description:
        "The AI SDK UI message stream (what `useChat` reads). Header `X-Key-Hint`: the mask of the key used. A provider " +
        'failure ends the stream with an `error` part whose `errorText` is JSON `{ "status": "invalid" | "limited" | ' +
        '"unreachable", "message" }`. The finish part\'s `messageMetadata` holds `keyHint`, `model`, `inputTokens`, `outputTokens`.',
    },
    errors: ["provider_not_found", "api_key_not_found", "api_key_disabled", "api_key_undecryptable", "rate_limited"],
  }),
  listActivity: operation({
    method: "get",
    path: "/api/user/activity",
    summary: "The signed-in user's activity log (key changes, tests, health changes, account events), newest first",
    signedIn: true,
    query: activityQuerySchema,
    status: 200,
    response: activityPageSchema,
    errors: [],
  }),
} as const;

const GUARD_ERRORS = {
  always: ["database_unavailable"],
  signedIn: ["unauthorized"],
  flag: ["feature_disabled"],
  stateChange: ["cross_origin"],
  body: ["unsupported_media_type", "payload_too_large", "invalid_json", "invalid_body"],
  query: ["invalid_query"],
} as const satisfies Record<string, readonly ErrorCode[]>;

/** Every error code an operation can answer with: its own, and the guard's. */
export function errorCodesOf(op: Operation): ErrorCode[] {
  const codes = new Set<ErrorCode>([...GUARD_ERRORS.always, ...op.errors]);
  if (op.signedIn) GUARD_ERRORS.signedIn.forEach((c) => codes.add(c));
  if (op.flag) GUARD_ERRORS.flag.forEach((c) => codes.add(c));
  if (op.method !== "get") GUARD_ERRORS.stateChange.forEach((c) => codes.add(c));
  if (op.body) GUARD_ERRORS.body.forEach((c) => codes.add(c));
  if (op.query) GUARD_ERRORS.query.forEach((c) => codes.add(c));
  return [...codes];
}
