import { userRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { keyBalance } from "@/lib/keys/balance";

export const dynamic = "force-dynamic";

export const GET = userRoute(operations.keyBalance, ({ userId, params }) => keyBalance(userId, params.id));
