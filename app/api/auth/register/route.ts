import type { NextRequest } from "next/server";
import { clientAddressFromHeaders } from "@/lib/http/client-address";
import { publicRoute, type RouteContext } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { authPagePath, registerProblemCode } from "@/lib/auth/form-errors";
import {
  backToForm,
  formAtSiteAddress,
  formReturnPath,
  isFormPost,
  readAuthForm,
  seeOther,
  signInWithForm,
} from "@/lib/api/form-sign-in";
import { hashPassword } from "@/lib/auth/password";
import { createUser } from "@/lib/db/users";
import { limitRegistration } from "@/lib/rate-limits";
import { registerSchema } from "@/lib/validation/auth";
import type { z } from "zod";

export const dynamic = "force-dynamic";

async function createAccount(request: NextRequest, account: z.output<typeof registerSchema>) {
  await limitRegistration(clientAddressFromHeaders(request.headers));
  const user = await createUser({
    email: account.email,
    passwordHash: await hashPassword(account.password),
    name: account.name,
  });
  return { id: user.id, email: user.email };
}

const postJson = publicRoute(operations.register, ({ request, body }) => createAccount(request, body));

/**
 * The sign-up form's post without JavaScript (lib/api/form-sign-in.ts): the account is created and signed in
 * (303 to the return path), or the browser goes back to /register with the code of the problem.
 */
async function postForm(request: NextRequest): Promise<Response> {
  let callbackUrl = "/settings";
  try {
    const fields = await readAuthForm(request);
    callbackUrl = formReturnPath(fields);
    // An empty field is a missing one, as the schema words it ("Enter a password.").
    const parsed = registerSchema.safeParse({
      email: fields.email || undefined,
      password: fields.password || undefined,
      ...(fields.name?.trim() ? { name: fields.name } : {}),
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return seeOther(
        authPagePath("/register", { error: registerProblemCode(String(issue.path[0]), issue.message), callbackUrl }),
      );
    }
    await createAccount(request, parsed.data);
    const signIn = await signInWithForm(request, {
      email: parsed.data.email,
      password: parsed.data.password,
      callbackUrl,
    });
    if (signIn.signedIn) return seeOther(signIn.location, signIn.setCookies);
    // The account exists; signing in can still be refused (a lockout of the address): the sign-in page says so.
    return seeOther(authPagePath("/login", { registered: true, callbackUrl }), signIn.setCookies);
  } catch (error) {
    return formAtSiteAddress(request, "/register", error) ?? backToForm("/register", error, callbackUrl);
  }
}

export function POST(request: NextRequest, context?: RouteContext): Promise<Response> {
  return isFormPost(request) ? postForm(request) : postJson(request, context);
}
