import { userRoute } from "@/lib/api/handler";
import { listProvidersForUser } from "@/lib/db/providers";

export const dynamic = "force-dynamic";

export const GET = userRoute({}, ({ userId }) => listProvidersForUser(userId));
