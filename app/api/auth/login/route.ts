import type { NextRequest } from "next/server";
import {
  backToForm,
  formAtSiteAddress,
  formReturnPath,
  readAuthForm,
  seeOther,
  signInWithForm,
} from "@/lib/api/form-sign-in";

export const dynamic = "force-dynamic";

/** The sign-in form's post without JavaScript (lib/api/form-sign-in.ts): signed in → the return path, else /login. */
export async function POST(request: NextRequest): Promise<Response> {
  let callbackUrl = "/settings";
  try {
    const fields = await readAuthForm(request);
    callbackUrl = formReturnPath(fields);
    const result = await signInWithForm(request, {
      email: fields.email ?? "",
      password: fields.password ?? "",
      callbackUrl,
    });
    if (result.signedIn) return seeOther(result.location, result.setCookies);
    return backToForm("/login", result.error, callbackUrl, result.setCookies);
  } catch (error) {
    return formAtSiteAddress(request, "/login", error) ?? backToForm("/login", error, callbackUrl);
  }
}
