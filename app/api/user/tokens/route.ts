import { userRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { createToken, listTokens } from "@/lib/gateway/tokens";

export const dynamic = "force-dynamic";

export const GET = userRoute(operations.listTokens, ({ userId }) => listTokens(userId));

export const POST = userRoute(operations.createToken, ({ userId, body }) => createToken(userId, body));
