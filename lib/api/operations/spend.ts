import { deletedSchema } from "@/lib/validation/api-keys";
import {
  balanceParamsSchema,
  balanceSchema,
  deletePriceSchema,
  priceListSchema,
  priceSchema,
  pricesQuerySchema,
  setPriceSchema,
  usageQuerySchema,
  usageReportSchema,
} from "@/lib/validation/spend";
import { keyManagementFlag, operation } from "./operation";

/** Spend: model prices, the usage report, a key's balance at its provider. */
export const spendOperations = {
  listPrices: operation({
    method: "get",
    path: "/api/user/prices",
    summary: "The prices of a provider's models: the catalogue's, with the user's own over them",
    signedIn: true,
    flag: keyManagementFlag,
    query: pricesQuerySchema,
    status: 200,
    response: priceListSchema,
    errors: ["provider_not_found"],
  }),
  setPrice: operation({
    method: "put",
    path: "/api/user/prices",
    summary: "Set the user's own price for a model of one of their providers (it wins over the catalogue's)",
    signedIn: true,
    flag: keyManagementFlag,
    body: setPriceSchema,
    status: 200,
    response: priceSchema,
    errors: ["provider_not_found"],
  }),
  deletePrice: operation({
    method: "delete",
    path: "/api/user/prices",
    summary: "Remove the user's own price for a model (the catalogue's applies again, if it has one)",
    signedIn: true,
    flag: keyManagementFlag,
    body: deletePriceSchema,
    status: 200,
    response: deletedSchema,
    errors: ["not_found"],
  }),
  usageReport: operation({
    method: "get",
    path: "/api/user/usage",
    summary:
      "Requests, tokens and cost over a range of UTC days (at most 366), grouped by day, key, model, provider or token; CSV with Accept: text/csv or format=csv",
    signedIn: true,
    query: usageQuerySchema,
    csv: "The same rows as CSV with a header line: group (providerId with groupBy=model), requests, inputTokens, outputTokens, costMicroUsd, unpricedRequests.",
    status: 200,
    response: usageReportSchema,
    errors: [],
  }),
  keyBalance: operation({
    method: "get",
    path: "/api/user/api-keys/{id}/balance",
    params: balanceParamsSchema,
    summary:
      "What is left on a key at its provider, where the provider tells it (OpenRouter, DeepSeek); cached up to 10 minutes",
    signedIn: true,
    flag: keyManagementFlag,
    status: 200,
    response: balanceSchema,
    errors: [
      "api_key_not_found",
      "balance_not_supported",
      "api_key_undecryptable",
      "invalid_api_key",
      "provider_unreachable",
      "rate_limited",
    ],
  }),
} as const;
