import { userRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { addUserEndpoint, listUserEndpoints } from "@/lib/endpoints/service";

export const dynamic = "force-dynamic";

export const GET = userRoute(operations.listEndpoints, ({ userId }) => listUserEndpoints(userId));

export const POST = userRoute(operations.createEndpoint, ({ userId, body }) => addUserEndpoint(userId, body));
