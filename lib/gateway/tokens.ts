import "server-only";
import {
  type AccessTokenRecord,
  createAccessToken,
  deleteAccessToken,
  type ListedAccessToken,
  listAccessTokens,
  type TokenFields,
  updateAccessToken,
} from "@/lib/db/access-tokens";
import { AppError } from "@/lib/errors";
import { budgetView } from "@/lib/keys/view";
import { usdToMicro } from "@/lib/domain/money";
import type { BudgetInput } from "@/lib/validation/api-keys";
import type { CreatedTokenView, CreateTokenInput, TokenView, UpdateTokenInput } from "@/lib/validation/tokens";
import { newToken } from "./token-secret";

/** /api/user/tokens: create (the token shown once), list, change, revoke the user's access tokens. */

const iso = (date: Date | null) => date?.toISOString() ?? null;

function fieldsOf(record: AccessTokenRecord) {
  return {
    id: record.id,
    name: record.name,
    prefix: record.prefix,
    providerIds: record.providerIds,
    expiresAt: iso(record.expiresAt),
    budget: budgetView(record),
    createdAt: record.createdAt.toISOString(),
  };
}

const toView = (record: ListedAccessToken): TokenView => ({
  ...fieldsOf(record),
  lastUsedAt: iso(record.lastUsedAt),
  usage: record.usage,
});

const budgetOf = (budget: BudgetInput) => budget && { microUsd: usdToMicro(budget.monthlyUsd), mode: budget.mode };

const notFound = () => new AppError("token_not_found", "You have no such access token.");

export async function createToken(userId: string, input: CreateTokenInput): Promise<CreatedTokenView> {
  const { token, prefix, hash } = newToken();
  const fields: TokenFields = {
    name: input.name,
    providerIds: input.providerIds ?? null,
    expiresAt: input.expiresAt ?? null,
    budget: budgetOf(input.budget ?? null),
  };
  const record = await createAccessToken(userId, hash, prefix, fields);
  return { ...fieldsOf(record), token };
}

export async function listTokens(userId: string): Promise<TokenView[]> {
  return (await listAccessTokens(userId)).map(toView);
}

export async function changeToken(userId: string, id: string, input: UpdateTokenInput): Promise<TokenView> {
  const { budget, ...rest } = input;
  const updated = await updateAccessToken(userId, id, {
    ...rest,
    ...(budget === undefined ? {} : { budget: budgetOf(budget) }),
  });
  if (!updated) throw notFound();
  const listed = (await listAccessTokens(userId)).find((token) => token.id === id);
  return toView(listed ?? { ...updated, usage: { requests: 0, inputTokens: 0, outputTokens: 0, costMicroUsd: 0 } });
}

export async function revokeToken(userId: string, id: string): Promise<{ success: true }> {
  if (!(await deleteAccessToken(userId, id))) throw notFound();
  return { success: true };
}
