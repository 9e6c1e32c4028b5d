/**
 * Signs out through next-auth's own endpoints (CSRF token, then POST /api/auth/signout) and goes to `destination`.
 * The same requests next-auth/react's signOut makes, without shipping that module to the settings page.
 */
export async function signOut(destination = "/login"): Promise<void> {
  try {
    const { csrfToken } = (await (await fetch("/api/auth/csrf", { cache: "no-store" })).json()) as {
      csrfToken: string;
    };
    await fetch("/api/auth/signout", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken, callbackUrl: "/login", json: "true" }),
    });
  } finally {
    // A full navigation on purpose: nothing of the signed-in page (router cache, component state) survives.
    window.location.assign(destination);
  }
}
