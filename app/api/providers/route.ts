import { userRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { listProvidersForUser } from "@/lib/db/providers";

export const dynamic = "force-dynamic";

export const GET = userRoute(operations.listProviders, ({ userId }) => listProvidersForUser(userId));
