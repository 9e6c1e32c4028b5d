import { z } from "zod";
import { PASSWORD_MAX, PASSWORD_MESSAGES, PASSWORD_MIN } from "./password-rules";

// These schemas run in the browser too (the sign-in and sign-up forms). There zod would probe for eval (`new
// Function`) to compile faster parsers; the pages' Content-Security-Policy forbids eval and reports the probe as
// a violation. The server keeps the compiled parsers.
if (typeof window !== "undefined") z.config({ jitless: true });

/** A password someone chooses: at sign-up, and when changing it. */
export const newPassword = z
  .string({ error: PASSWORD_MESSAGES.missing })
  .min(PASSWORD_MIN, { error: PASSWORD_MESSAGES.short })
  .max(PASSWORD_MAX, { error: PASSWORD_MESSAGES.long });

/** Shared by the register route and the register form. */
export const registerSchema = z
  .strictObject({
    email: z.email({ error: "Enter a valid email address." }).max(254, { error: "That email address is too long." }),
    password: newPassword,
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

const currentPassword = z
  .string({ error: PASSWORD_MESSAGES.current })
  .min(1, { error: PASSWORD_MESSAGES.current })
  .max(PASSWORD_MAX, { error: PASSWORD_MESSAGES.long });

export const changePasswordSchema = z.strictObject({ currentPassword, newPassword }).meta({ id: "ChangePassword" });

export const deleteAccountSchema = z.strictObject({ password: currentPassword }).meta({ id: "DeleteAccount" });

export const doneSchema = z.object({ success: z.literal(true) }).meta({ id: "Done" });
