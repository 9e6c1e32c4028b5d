import { config } from "zod/v4/core";

/**
 * Imported first by a client module whose dependencies build zod schemas as they load (the AI SDK does): zod
 * decides at construction whether a schema may use its compiled fast path, probing `new Function("")`, which the
 * pages' Content-Security-Policy forbids (a reported violation). Set before any schema exists, it never probes.
 */
if (typeof window !== "undefined") config({ jitless: true });
