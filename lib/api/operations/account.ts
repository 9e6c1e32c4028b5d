import { activityPageSchema, activityQuerySchema } from "@/lib/validation/activity";
import {
  changePasswordSchema,
  deleteAccountSchema,
  doneSchema,
  registeredUserSchema,
  registerSchema,
  revokedSessionsSchema,
} from "@/lib/validation/auth";
import { operation } from "./operation";

/** Signing up, the account and its sessions, the activity log. */
export const accountOperations = {
  register: operation({
    method: "post",
    path: "/api/auth/register",
    summary: "Create an account",
    signedIn: false,
    body: registerSchema,
    status: 201,
    response: registeredUserSchema,
    errors: ["email_taken", "rate_limited"],
  }),
  revokeSessions: operation({
    method: "post",
    path: "/api/user/sessions/revoke",
    summary: "Sign out everywhere: end every session of the signed-in user, this one included",
    signedIn: true,
    status: 200,
    response: revokedSessionsSchema,
    errors: [],
  }),
  changePassword: operation({
    method: "post",
    path: "/api/user/password",
    summary: "Change the password (the current one is required); every other session ends",
    signedIn: true,
    body: changePasswordSchema,
    status: 200,
    response: doneSchema,
    errors: ["wrong_password", "rate_limited"],
  }),
  deleteAccount: operation({
    method: "delete",
    path: "/api/user",
    summary: "Delete the account (its password is required) with its keys, sessions and everything else it owns",
    signedIn: true,
    body: deleteAccountSchema,
    status: 200,
    response: doneSchema,
    errors: ["wrong_password", "rate_limited"],
  }),
  listActivity: operation({
    method: "get",
    path: "/api/user/activity",
    summary: "The signed-in user's activity log (key changes, tests, health changes, account events), newest first",
    signedIn: true,
    query: activityQuerySchema,
    status: 200,
    response: activityPageSchema,
    errors: [],
  }),
} as const;
