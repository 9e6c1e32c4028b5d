import { userRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { changePassword } from "@/lib/auth/account";

export const dynamic = "force-dynamic";

export const POST = userRoute(operations.changePassword, async ({ userId, sessionId, body }) => {
  await changePassword({ userId, sessionId }, body);
  return { success: true as const };
});
