import { accountOperations } from "./operations/account";
import { chatOperations } from "./operations/chat";
import { keyOperations } from "./operations/keys";
import { providerOperations } from "./operations/providers-endpoints";
import { spendOperations } from "./operations/spend";
import { tokenOperations } from "./operations/tokens";

export { errorCodesOf, type Operation } from "./operations/operation";

/**
 * Every operation of the REST API in one table, assembled from its areas (lib/api/operations/): the guard
 * (handler.ts), the routes and the OpenAPI document (openapi.ts) all read this object.
 */
export const operations = {
  ...accountOperations,
  ...providerOperations,
  ...keyOperations,
  ...spendOperations,
  ...tokenOperations,
  ...chatOperations,
} as const;
