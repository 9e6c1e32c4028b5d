import { userRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { revokeSessions } from "@/lib/db/sessions";

export const dynamic = "force-dynamic";

export const POST = userRoute(operations.revokeSessions, async ({ userId }) => ({
  revoked: await revokeSessions(userId),
}));
