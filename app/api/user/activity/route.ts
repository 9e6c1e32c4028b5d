import { userRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { getActivityPage } from "@/lib/keys/activity";

export const dynamic = "force-dynamic";

export const GET = userRoute(operations.listActivity, ({ userId, query }) => getActivityPage(userId, query.cursor));
