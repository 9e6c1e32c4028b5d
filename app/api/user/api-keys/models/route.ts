import { userRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { listModelsForKey } from "@/lib/keys/models";

export const dynamic = "force-dynamic";

export const GET = userRoute(operations.listModels, ({ userId, query }) =>
  listModelsForKey(userId, query.providerId, query.id),
);
