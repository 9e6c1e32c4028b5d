import { userRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { changeToken, revokeToken } from "@/lib/gateway/tokens";

export const dynamic = "force-dynamic";

export const PATCH = userRoute(operations.updateToken, ({ userId, params, body }) =>
  changeToken(userId, params.id, body),
);

export const DELETE = userRoute(operations.revokeToken, ({ userId, params }) => revokeToken(userId, params.id));
