import { userRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { setFallback } from "@/lib/keys/service";

export const dynamic = "force-dynamic";

export const PATCH = userRoute(operations.setProviderSettings, ({ userId, params, body }) =>
  setFallback(userId, params.id, body.fallback),
);
