import { userRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { deleteAccount } from "@/lib/auth/account";

export const dynamic = "force-dynamic";

export const DELETE = userRoute(operations.deleteAccount, async ({ userId, body }) => {
  await deleteAccount(userId, body.password);
  return { success: true as const };
});
