import { z } from "zod";
import type { ZodOpenApiOperationObject, ZodOpenApiPathsObject } from "zod-openapi";

/**
 * The sign-in and sign-up forms' posts without JavaScript (lib/auth/form-sign-in.ts): urlencoded bodies, and
 * every outcome a 303 to a page (the return path once signed in, else the form's page with `?error=<code>`).
 */

const seeOther = {
  description: "See Other: the return path once signed in, else the form's page with `?error=<code>` (never the email or password)",
  headers: { Location: { schema: { type: "string" as const } } },
};
const form = (schema: z.ZodType) => ({ "application/x-www-form-urlencoded": { schema } });
const callbackUrl = z.string().optional().meta({ description: "A path of this site to return to (else /settings)" });

export const formPaths: ZodOpenApiPathsObject = {
  "/api/auth/login": {
    post: {
      summary: "Sign in from the HTML form (no JavaScript needed): sets the session cookie",
      requestBody: { required: true, content: form(z.object({ email: z.string(), password: z.string(), callbackUrl })) },
      responses: { "303": seeOther },
    },
  },
};

/** The sign-up operation also takes the HTML form's post. */
export function withFormPost(operation: ZodOpenApiOperationObject): ZodOpenApiOperationObject {
  const content = operation.requestBody && "content" in operation.requestBody ? operation.requestBody.content : {};
  const fields = z.object({ email: z.string(), password: z.string(), name: z.string().optional(), callbackUrl });
  return {
    ...operation,
    requestBody: { required: true, content: { ...content, ...form(fields) } },
    responses: { ...operation.responses, "303": seeOther },
  };
}
