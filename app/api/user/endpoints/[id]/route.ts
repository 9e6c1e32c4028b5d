import { userRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { changeUserEndpoint, removeUserEndpoint } from "@/lib/endpoints/service";

export const dynamic = "force-dynamic";

export const PATCH = userRoute(operations.updateEndpoint, ({ userId, params, body }) =>
  changeUserEndpoint(userId, params.id, body),
);

export const DELETE = userRoute(operations.deleteEndpoint, ({ userId, params }) =>
  removeUserEndpoint(userId, params.id),
);
