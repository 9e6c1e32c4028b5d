import { chatCompletions } from "@/lib/gateway/chat-completions";
import { preflight } from "@/lib/gateway/errors";

export const dynamic = "force-dynamic";

/** The gateway (lib/gateway): an access token, never a session; any origin may call it. */
export const POST = (request: Request) => chatCompletions(request);

export const OPTIONS = (request: Request) => preflight(request, "POST");
