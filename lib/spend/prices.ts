import "server-only";
import { deleteUserPrice, listUserPrices, upsertUserPrice } from "@/lib/db/prices";
import { getProvider } from "@/lib/db/providers";
import { AppError } from "@/lib/errors";
import type { PriceView } from "@/lib/validation/spend";
import { catalogueModels } from "./catalogue";
import { microToUsd, type TokenPrice, usdToMicro } from "@/lib/domain/money";

/**
 * The prices a user sees for a provider's models (GET /api/user/prices): the catalogue's (built-in providers only),
 * with the user's own over them (they win wherever prices are used: lib/spend/pricing.ts), by model id.
 */

const view = (model: string, price: TokenPrice, source: PriceView["source"]): PriceView => ({
  model,
  inputPerMTokUsd: microToUsd(price.inputMicroUsdPerMTok),
  outputPerMTokUsd: microToUsd(price.outputMicroUsdPerMTok),
  source,
});

const noProvider = () => new AppError("provider_not_found", "There is no such provider.");

export async function listPrices(userId: string, providerId: string): Promise<{ prices: PriceView[] }> {
  const provider = await getProvider(userId, providerId);
  if (!provider) throw noProvider();
  const own = await listUserPrices(userId, provider.id);
  const byModel = new Map<string, PriceView>();
  if (provider.registryId !== "custom") {
    for (const { model, price } of catalogueModels(provider.registryId))
      byModel.set(model, view(model, price, "catalogue"));
  }
  for (const price of own) byModel.set(price.model, view(price.model, price, "user"));
  return { prices: [...byModel.values()].sort((a, b) => a.model.localeCompare(b.model)) };
}

export async function setPrice(
  userId: string,
  input: { providerId: string; model: string; inputPerMTokUsd: number; outputPerMTokUsd: number },
): Promise<PriceView> {
  const saved = await upsertUserPrice(userId, input.providerId, {
    model: input.model,
    inputMicroUsdPerMTok: usdToMicro(input.inputPerMTokUsd),
    outputMicroUsdPerMTok: usdToMicro(input.outputPerMTokUsd),
  });
  if (!saved) throw noProvider();
  return view(saved.model, saved, "user");
}

export async function removePrice(
  userId: string,
  input: { providerId: string; model: string },
): Promise<{ success: true }> {
  if (!(await deleteUserPrice(userId, input.providerId, input.model))) {
    throw new AppError("not_found", "You have set no price for that model.");
  }
  return { success: true };
}
