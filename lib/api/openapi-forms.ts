import { z } from "zod";
import type { ZodOpenApiOperationObject, ZodOpenApiPathsObject } from "zod-openapi";
import { apiErrorSchema } from "@/lib/validation/errors";

/**
 * The sign-in, sign-up and sign-out forms' posts without JavaScript (lib/api/form-sign-in.ts): urlencoded
 * bodies; signing in or up, every outcome is a 303 to a page (the return path once signed in, else the form's
 * page with `?error=<code>`).
 */
/** An error response of the document: its description and the ApiError JSON body (also used by the other parts). */
export const failure = (description: string) => ({
  description,
  content: { "application/json": { schema: apiErrorSchema } },
});

const seeOther = {
  description:
    "See Other: the return path once signed in, else the form's page with `?error=<code>` (never the email or password)",
  headers: { Location: { schema: { type: "string" as const } } },
};
const form = (schema: z.ZodType) => ({ "application/x-www-form-urlencoded": { schema } });
const callbackUrl = z.string().optional().meta({ description: "A path of this site to return to (else /settings)" });

export const formPaths: ZodOpenApiPathsObject = {
  "/api/auth/login": {
    post: {
      summary: "Sign in from the HTML form (no JavaScript needed): sets the session cookie",
      requestBody: {
        required: true,
        content: form(z.object({ email: z.string(), password: z.string(), callbackUrl })),
      },
      responses: { "303": seeOther },
    },
  },
  "/api/auth/logout": {
    post: {
      summary: "Sign out from the HTML form (no JavaScript needed): ends the session, clears its cookie",
      security: [{ session: [] }],
      requestBody: { required: true, content: form(z.object({})) },
      responses: {
        "303": { description: "See Other: /login", headers: { Location: { schema: { type: "string" as const } } } },
        "403": failure("From another site: `cross_origin`"),
        "413": failure("Body too large: `payload_too_large`"),
        "415": failure("Not a form post: `unsupported_media_type`"),
        "503": failure("The session could not be ended (the database is unavailable): `database_unavailable`"),
      },
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
