import "server-only";
import { forgetKeyList } from "@/lib/db/key-list-json";
import { deleteUser, getPasswordCheck, replacePasswordHash } from "@/lib/db/users";
import { AppError } from "@/lib/errors";
import { accountCounterKeys, countPasswordCheck, forgive } from "@/lib/rate-limits";
import { hashPassword, verifyPassword } from "./password";
import { sessionEnded } from "./session";

/** Account changes that need the user's password: counted before the check (10 wrong ones per 15 minutes). */

const wrong = (message: string) => new AppError("wrong_password", message);

/** The account's password hash (to change or delete only if it is still this one) and email, once the password is right. */
async function checkPassword(
  userId: string,
  password: string,
  message: string,
): Promise<{ hash: string; email: string }> {
  const counted = await countPasswordCheck(userId);
  const account = await getPasswordCheck(userId);
  if (!account) throw sessionEnded();
  if (!(await verifyPassword(account.passwordHash, password))) throw wrong(message);
  await forgive(counted);
  return { hash: account.passwordHash, email: account.email };
}

/** A new password; every session but this one ends (a thief's session too). */
export async function changePassword(
  session: { userId: string; sessionId: string },
  passwords: { currentPassword: string; newPassword: string },
): Promise<void> {
  const message = "Your current password is not right.";
  const { hash } = await checkPassword(session.userId, passwords.currentPassword, message);
  const next = await hashPassword(passwords.newPassword);
  if (!(await replacePasswordHash(session.userId, hash, next, session.sessionId))) throw wrong(message);
}

/** The account, everything it owns and the rate-limit counters named after it or its email, gone in one statement. */
export async function deleteAccount(userId: string, password: string): Promise<void> {
  const message = "Your password is not right.";
  const { hash, email } = await checkPassword(userId, password, message);
  if (!(await deleteUser(userId, hash, accountCounterKeys({ id: userId, email })))) throw wrong(message);
  forgetKeyList(userId); // this process's copy of the key list's answer (masks and labels) goes with the account
}
