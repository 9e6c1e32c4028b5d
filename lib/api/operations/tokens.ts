import { z } from "zod";
import { deletedSchema } from "@/lib/validation/api-keys";
import {
  createdTokenSchema,
  createTokenSchema,
  tokenParamsSchema,
  tokenViewSchema,
  updateTokenSchema,
} from "@/lib/validation/tokens";
import { operation } from "./operation";

const tokens = "/api/user/tokens";

/** The gateway's personal access tokens: what tools use on `/api/v1` instead of a provider key. */
export const tokenOperations = {
  listTokens: operation({
    method: "get",
    path: tokens,
    summary: "The user's access tokens (prefix only, never the token), with their last use and 30 days of usage",
    signedIn: true,
    status: 200,
    response: z.array(tokenViewSchema),
    errors: [],
  }),
  createToken: operation({
    method: "post",
    path: tokens,
    summary: "Create an access token for the gateway (/api/v1); the token is in this answer only",
    signedIn: true,
    body: createTokenSchema,
    status: 201,
    response: createdTokenSchema,
    errors: ["provider_not_found", "token_limit_reached"],
  }),
  updateToken: operation({
    method: "patch",
    path: `${tokens}/{id}`,
    params: tokenParamsSchema,
    summary: "Rename a token, or change its expiry, providers or monthly budget",
    signedIn: true,
    body: updateTokenSchema,
    status: 200,
    response: tokenViewSchema,
    errors: ["token_not_found", "provider_not_found"],
  }),
  revokeToken: operation({
    method: "delete",
    path: `${tokens}/{id}`,
    params: tokenParamsSchema,
    summary: "Revoke a token: refused at once, on every instance",
    signedIn: true,
    status: 200,
    response: deletedSchema,
    errors: ["token_not_found"],
  }),
} as const;
