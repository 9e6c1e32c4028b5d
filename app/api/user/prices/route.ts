import { userRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { listPrices, removePrice, setPrice } from "@/lib/spend/prices";

export const dynamic = "force-dynamic";

export const GET = userRoute(operations.listPrices, ({ userId, query }) => listPrices(userId, query.providerId));

export const PUT = userRoute(operations.setPrice, ({ userId, body }) => setPrice(userId, body));

export const DELETE = userRoute(operations.deletePrice, ({ userId, body }) => removePrice(userId, body));
