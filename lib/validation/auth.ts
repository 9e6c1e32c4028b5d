import { z } from "zod";

/** Shared by the register route and the register form. */
export const registerSchema = z
  .strictObject({
    email: z.email({ error: "Enter a valid email address." }).max(254, { error: "That email address is too long." }),
    password: z
      .string({ error: "Enter a password." })
      .min(8, { error: "Use at least 8 characters." })
      .max(200, { error: "Use at most 200 characters." }),
    name: z.string().trim().max(100, { error: "Use at most 100 characters." }).optional(),
  })
  .meta({ id: "Register" });

export const signInSchema = z.object({
  email: z.email({ error: "Enter a valid email address." }).max(254),
  password: z.string().min(1, { error: "Enter your password." }).max(200),
});

export const registeredUserSchema = z.object({ id: z.guid(), email: z.string() }).meta({ id: "RegisteredUser" });

export const revokedSessionsSchema = z
  .object({ revoked: z.number().int().meta({ description: "How many sessions ended, this one included." }) })
  .meta({ id: "RevokedSessions" });
