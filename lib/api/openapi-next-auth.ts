import { z } from "zod";
import type { ZodOpenApiPathsObject } from "zod-openapi";
import { failure } from "./openapi-forms";

/** next-auth's own endpoints, as a client of the REST API uses them to sign in and out (see README). */

const form = (schema: z.ZodType) => ({ required: true, content: { "application/x-www-form-urlencoded": { schema } } });
const redirectTo = z.object({ url: z.string() });
/** Every POST of next-auth's routes goes through lib/api/next-auth-route.ts, which reads the body first. */
const bodyFailures = {
  "400": failure("A JSON body that does not parse: `invalid_json`"),
  "413": failure("Body too large: `payload_too_large`"),
};
const redirect = {
  description: "Redirect (without `json=true`)",
  headers: { Location: { schema: { type: "string" as const } } },
};

export const nextAuthPaths: ZodOpenApiPathsObject = {
  "/api/auth/csrf": {
    get: {
      summary: "A CSRF token for the sign-in and sign-out forms (sets its cookie)",
      responses: {
        "200": {
          description: "The token",
          content: { "application/json": { schema: z.object({ csrfToken: z.string() }) } },
        },
      },
    },
  },
  "/api/auth/callback/credentials": {
    post: {
      summary: "Sign in with email and password (sets the session cookie)",
      requestBody: form(
        z.object({
          csrfToken: z.string(),
          email: z.string(),
          password: z.string(),
          callbackUrl: z.string().optional(),
          json: z.literal("true").optional(),
        }),
      ),
      responses: {
        "200": {
          description: "With `json=true`: where to go next",
          content: { "application/json": { schema: redirectTo } },
        },
        "302": redirect,
        "401": {
          description: "Wrong email or password (with `json=true`)",
          content: { "application/json": { schema: redirectTo } },
        },
        ...bodyFailures,
      },
    },
  },
  "/api/auth/session": {
    get: {
      summary: "The current session, or an empty object",
      responses: {
        "200": {
          description: "The session",
          content: {
            "application/json": {
              schema: z.union([
                z.object({
                  user: z.object({ id: z.guid(), email: z.string(), name: z.string().nullable().optional() }),
                  expires: z.string(),
                }),
                z.object({}),
              ]),
            },
          },
        },
      },
    },
  },
  "/api/auth/signout": {
    post: {
      summary: "Sign out (clears the session cookie)",
      requestBody: form(
        z.object({ csrfToken: z.string(), callbackUrl: z.string().optional(), json: z.literal("true").optional() }),
      ),
      responses: {
        "200": {
          description: "With `json=true`: where to go next",
          content: { "application/json": { schema: redirectTo } },
        },
        "302": redirect,
        ...bodyFailures,
        "503": failure("The session could not be ended (the database is unavailable): `database_unavailable`"),
      },
    },
  },
};
