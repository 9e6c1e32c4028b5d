import { z } from "zod";

/** Every failure of every route: a sentence for people and a code for programs (lib/errors.ts lists the codes). */
export const apiErrorSchema = z
  .object({
    error: z.string().meta({ description: "A human sentence, safe to show." }),
    code: z.string().meta({ description: "A stable machine code, e.g. `invalid_api_key`." }),
    fields: z.record(z.string(), z.string()).optional().meta({
      description:
        "For `invalid_body` and `invalid_query`: each offending field or parameter and what is wrong with it.",
    }),
  })
  .meta({ id: "Error" });
