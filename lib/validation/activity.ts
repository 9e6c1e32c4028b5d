import { z } from "zod";
import { HEALTH_SOURCES, KEY_EVENT_TYPES } from "@/lib/domain/key-facts";
import { isoDate, keyHealthSchema } from "./api-keys";

/** GET /api/user/activity: the user's activity log, newest first, a page at a time. */

export const ACTIVITY_PAGE_SIZE = 20;

export const activityQuerySchema = z.strictObject({
  cursor: z
    .string()
    .regex(/^[1-9][0-9]{0,14}$/, { error: "cursor must be the nextCursor of an earlier page." })
    .optional()
    .meta({ description: "`nextCursor` of the previous page; omitted for the newest events." }),
});

export const activityEventSchema = z
  .object({
    id: z.string(),
    at: isoDate,
    type: z.enum(KEY_EVENT_TYPES),
    providerId: z
      .guid()
      .nullable()
      .meta({ description: "The provider of the key concerned; null for account events." }),
    detail: z
      .strictObject({
        checked: z.boolean().optional(),
        health: keyHealthSchema.optional(),
        from: keyHealthSchema.optional(),
        to: keyHealthSchema.optional(),
        source: z.enum(HEALTH_SOURCES).optional(),
        label: z.string().optional().meta({ description: "The key's label (the user's name for it)." }),
        previousLabel: z.string().optional(),
        position: z.number().int().optional(),
        expiresAt: isoDate.nullable().optional(),
        fallback: z.boolean().optional(),
        tokenId: z.guid().optional().meta({ description: "The access token concerned (token events)." }),
        name: z.string().optional().meta({ description: "The access token's name (token events); never the token." }),
        month: z.string().optional().meta({ description: "The budget's month, YYYY-MM (budget events)." }),
        spentMicroUsd: z
          .number()
          .int()
          .optional()
          .meta({ description: "The month's spend when the event was written." }),
        budgetMicroUsd: z.number().int().optional(),
      })
      .meta({ description: "What the event adds to its type; never key material, not even a mask." }),
  })
  .meta({ id: "ActivityEvent" });

export type ActivityEventView = z.infer<typeof activityEventSchema>;

export const activityPageSchema = z
  .object({
    events: z.array(activityEventSchema),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: "Pass as `cursor` for older events; null on the last page." }),
  })
  .meta({ id: "ActivityPage" });

export type ActivityPageView = z.infer<typeof activityPageSchema>;
