import { preflight } from "@/lib/gateway/errors";
import { listGatewayModels } from "@/lib/gateway/models";

export const dynamic = "force-dynamic";

/** The gateway (lib/gateway): an access token, never a session; any origin may call it. */
export const GET = (request: Request) => listGatewayModels(request);

export const OPTIONS = (request: Request) => preflight(request, "GET");
