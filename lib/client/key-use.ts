import type { KeyView } from "@/lib/validation/api-keys";

type KeyUse = Pick<KeyView, "isEnabled" | "needsReentry" | "health">;

/** The server can send requests with this key: it is enabled and can still be opened. */
export const canUse = (key: KeyUse): boolean => key.isEnabled && !key.needsReentry;

/** The Playground offers chatting with this key: usable, and its provider has not rejected it. */
export const canChat = (key: KeyUse): boolean => canUse(key) && key.health !== "rejected";
