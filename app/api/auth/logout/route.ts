import type { NextRequest } from "next/server";
import { toErrorResponse } from "@/lib/api/respond";
import { readAuthForm, signOutWithForm } from "@/lib/api/form-sign-in";

export const dynamic = "force-dynamic";

/** The sign-out button's post without JavaScript (lib/api/form-sign-in.ts): 303 to /login, signed out. */
export async function POST(request: NextRequest): Promise<Response> {
  try {
    await readAuthForm(request);
    return await signOutWithForm(request);
  } catch (error) {
    return toErrorResponse(error, "POST /api/auth/logout");
  }
}
