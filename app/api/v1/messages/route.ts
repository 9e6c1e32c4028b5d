import { preflight } from "@/lib/gateway/errors";
import { anthropicMessages } from "@/lib/gateway/messages";

export const dynamic = "force-dynamic";

/** The gateway (lib/gateway): an access token, never a session; any origin may call it. */
export const POST = (request: Request) => anthropicMessages(request);

export const OPTIONS = (request: Request) => preflight(request, "POST");
