/**
 * A NUL character (U+0000) cannot be stored in PostgreSQL text (SQLSTATE 22021), and no field of this API has a
 * use for one: a body or query string holding one is refused, naming each field that does, before any statement
 * (lib/http/body.ts and lib/api/query.ts for every route; lib/api/form-sign-in.ts for the auth forms). Without zod: the
 * rule is a walk over any parsed value.
 */

export const NUL_MESSAGE = "Must not contain a NUL character (\\u0000).";

export type FieldPath = (string | number)[];

/** The paths of the strings holding a NUL, anywhere in a parsed body ([] for the value itself). */
export function pathsWithNul(value: unknown, path: FieldPath = []): FieldPath[] {
  if (typeof value === "string") return value.includes("\u0000") ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((item, index) => pathsWithNul(item, [...path, index]));
  if (value && typeof value === "object")
    return Object.entries(value).flatMap(([key, item]) => pathsWithNul(item, [...path, key]));
  return [];
}
