import "server-only";
import { forgetKeyList } from "@/lib/db/key-list-json";
import { deleteUser, getPasswordHash, replacePasswordHash } from "@/lib/db/users";
import { AppError } from "@/lib/errors";
import { countPasswordCheck, forgive } from "@/lib/rate-limits";
import { hashPassword, verifyPassword } from "./password";
import { sessionEnded } from "./session";

/** Account changes that need the user's password: counted before the check (10 wrong ones per 15 minutes). */

const wrong = (message: string) => new AppError("wrong_password", message);

async function checkPassword(userId: string, password: string, message: string): Promise<string> {
  const counted = await countPasswordCheck(userId);
  const hash = await getPasswordHash(userId);
  if (!hash) throw sessionEnded();
  if (!(await verifyPassword(hash, password))) throw wrong(message);
  await forgive(counted);
  return hash;
}

/** A new password; every session but this one ends (a thief's session too). */
export async function changePassword(
  session: { userId: string; sessionId: string },
  passwords: { currentPassword: string; newPassword: string },
): Promise<void> {
  const message = "Your current password is not right.";
  const hash = await checkPassword(session.userId, passwords.currentPassword, message);
  const next = await hashPassword(passwords.newPassword);
  if (!(await replacePasswordHash(session.userId, hash, next, session.sessionId))) throw wrong(message);
}

/** The account and everything it owns, gone in one transaction. */
export async function deleteAccount(userId: string, password: string): Promise<void> {
  const message = "Your password is not right.";
  const hash = await checkPassword(userId, password, message);
  if (!(await deleteUser(userId, hash))) throw wrong(message);
  forgetKeyList(userId); // this process's copy of the key list's answer (masks and labels) goes with the account
}
