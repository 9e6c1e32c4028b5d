import "server-only";
import { and, asc, eq, sql } from "drizzle-orm";
import type { TokenPrice } from "@/lib/domain/money";
import { withDb } from "./client";
import { rowsOf } from "./prepared";
import { modelProvider, userPrice } from "./schema";
import { isUuid } from "./uuid";

/** A user's own model prices (UserPrice): each function is one statement scoped by the user. */

export interface UserPriceRecord extends TokenPrice {
  model: string;
}

const priceColumns = {
  model: userPrice.model,
  inputMicroUsdPerMTok: userPrice.inputMicroUsdPerMTok,
  outputMicroUsdPerMTok: userPrice.outputMicroUsdPerMTok,
};

/** The user's prices for one provider, by model. */
export async function listUserPrices(userId: string, providerId: string): Promise<UserPriceRecord[]> {
  if (!isUuid(userId) || !isUuid(providerId)) return [];
  return withDb((db) =>
    db
      .select(priceColumns)
      .from(userPrice)
      .where(and(eq(userPrice.userId, userId), eq(userPrice.providerId, providerId)))
      .orderBy(asc(userPrice.model)),
  );
}

/**
 * Sets the user's price for a model of a provider they can see (a built-in, or their own endpoint), in one
 * statement: INSERT … SELECT from that provider, so another user's endpoint or no provider writes nothing (null).
 */
export async function upsertUserPrice(
  userId: string,
  providerId: string,
  price: UserPriceRecord,
): Promise<UserPriceRecord | null> {
  if (!isUuid(userId) || !isUuid(providerId)) return null;
  const rows = rowsOf<UserPriceRecord>(
    await withDb((db) =>
      db.execute(sql`insert into ${userPrice} ("userId", "providerId", model, "inputMicroUsdPerMTok", "outputMicroUsdPerMTok")
        select ${userId}::uuid, p.id, ${price.model}, ${price.inputMicroUsdPerMTok}, ${price.outputMicroUsdPerMTok}
        from ${modelProvider} as p where p.id = ${providerId}::uuid and p."isEnabled" and (p."ownerId" is null or p."ownerId" = ${userId}::uuid)
        on conflict ("userId", "providerId", model) do update set
          "inputMicroUsdPerMTok" = excluded."inputMicroUsdPerMTok", "outputMicroUsdPerMTok" = excluded."outputMicroUsdPerMTok", "updatedAt" = now()
        returning model, "inputMicroUsdPerMTok"::float8 as "inputMicroUsdPerMTok", "outputMicroUsdPerMTok"::float8 as "outputMicroUsdPerMTok"`),
    ),
  );
  return rows[0] ?? null;
}

/** Removes the user's price for a model; false when they had none. */
export async function deleteUserPrice(userId: string, providerId: string, model: string): Promise<boolean> {
  if (!isUuid(userId) || !isUuid(providerId)) return false;
  const rows = await withDb((db) =>
    db
      .delete(userPrice)
      .where(and(eq(userPrice.userId, userId), eq(userPrice.providerId, providerId), eq(userPrice.model, model)))
      .returning({ model: userPrice.model }),
  );
  return rows.length > 0;
}
