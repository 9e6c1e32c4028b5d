import { userRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { streamChat } from "@/lib/keys/chat";

export const dynamic = "force-dynamic";

/** The playground's answer, streamed through the user's own key (lib/keys/chat.ts). */
export const POST = userRoute(operations.chat, ({ userId, sessionId, body, request }) =>
  streamChat(userId, sessionId, body, request.signal),
);
