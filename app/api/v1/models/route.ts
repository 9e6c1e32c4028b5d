import { GATEWAY_ROUTES } from "@/lib/gateway/routes";

export const dynamic = "force-dynamic";

/** The gateway (lib/gateway): an access token, never a session; any origin may call it. */
const route = GATEWAY_ROUTES["/api/v1/models"];
export const GET = route.GET;
export const OPTIONS = route.OPTIONS;
