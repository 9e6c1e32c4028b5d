import "server-only";
import { listKeyEvents } from "@/lib/db/key-events";
import { ACTIVITY_PAGE_SIZE, type ActivityPageView } from "@/lib/validation/activity";
import { toActivityEvent } from "./view";

/**
 * One page of the user's activity, newest first: the events older than `cursor` (the last id of the previous
 * page). One more row than a page is read to know whether another page follows.
 */
export async function getActivityPage(userId: string, cursor?: string): Promise<ActivityPageView> {
  const rows = await listKeyEvents(userId, {
    before: cursor === undefined ? undefined : Number(cursor),
    limit: ACTIVITY_PAGE_SIZE + 1,
  });
  const page = rows.slice(0, ACTIVITY_PAGE_SIZE);
  return {
    events: page.map(toActivityEvent),
    nextCursor: rows.length > ACTIVITY_PAGE_SIZE ? String(page.at(-1)!.id) : null,
  };
}
