import { describe, expect, it } from "vitest";
import { authErrorSentence, authPagePath, registerProblemCode } from "@/lib/auth/form-errors";
import { registerSchema } from "@/lib/validation/auth";

describe("authErrorSentence: the code in /login or /register's query → the sentence the page shows", () => {
  it("shows nothing without an error", () => {
    expect(authErrorSentence("/login", undefined)).toBeNull();
    expect(authErrorSentence("/login", "")).toBeNull();
    expect(authErrorSentence("/register", [])).toBeNull();
  });

  it("has our sentence for next-auth's CredentialsSignin and for each code the form routes send", () => {
    expect(authErrorSentence("/login", "CredentialsSignin")).toBe("Incorrect email or password.");
    expect(authErrorSentence("/register", "email_taken")).toBe(
      "An account with this email already exists. Sign in instead.",
    );
    expect(authErrorSentence("/register", "short_password")).toBe("Use at least 8 characters for your password.");
    expect(authErrorSentence("/register", "invalid_email")).toBe("Enter a valid email address.");
    expect(authErrorSentence("/login", "database_unavailable")).toMatch(/unavailable right now/);
    expect(authErrorSentence("/login", ["CredentialsSignin", "other"])).toBe("Incorrect email or password.");
  });

  it("says how long to wait when rate limited, and 'later' when the wait is missing or absurd", () => {
    expect(authErrorSentence("/login", "rate_limited", "900")).toBe(
      "Too many sign-in attempts. Try again in 15 minutes.",
    );
    expect(authErrorSentence("/login", "rate_limited", "30")).toBe("Too many sign-in attempts. Try again in a minute.");
    expect(authErrorSentence("/register", "rate_limited", "3600")).toBe(
      "Too many new accounts from your network. Try again in 60 minutes.",
    );
    for (const retry of [undefined, "", "abc", "-5", "1e12"]) {
      expect(authErrorSentence("/login", "rate_limited", retry)).toBe("Too many sign-in attempts. Try again later.");
    }
  });

  it("never writes the query's text onto the page: anything unknown is the page's generic sentence", () => {
    for (const payload of [
      "Your account is locked, call +1 555 0100",
      "<script>alert(1)</script>",
      "toString",
      "__proto__",
      "constructor",
    ]) {
      expect(authErrorSentence("/login", payload)).toBe("Sign-in failed. Please try again.");
      expect(authErrorSentence("/register", payload)).toBe("Couldn't create your account. Please try again.");
    }
  });
});

describe("authPagePath: where a failed form post sends the browser", () => {
  it("carries the code, the wait and the return path, and leaves out the default return path", () => {
    expect(authPagePath("/login", { error: "CredentialsSignin", callbackUrl: "/settings" })).toBe(
      "/login?error=CredentialsSignin",
    );
    expect(
      authPagePath("/login", { error: "rate_limited", retryAfter: 899.2, callbackUrl: "/settings?tab=a&b=1" }),
    ).toBe("/login?error=rate_limited&retry=900&callbackUrl=%2Fsettings%3Ftab%3Da%26b%3D1");
    expect(authPagePath("/login", { registered: true, callbackUrl: "/settings" })).toBe("/login?registered=1");
    expect(authPagePath("/register", { callbackUrl: "/settings" })).toBe("/register");
  });

  it("puts a wait only on rate_limited", () => {
    expect(authPagePath("/register", { error: "email_taken", retryAfter: 60, callbackUrl: "/settings" })).toBe(
      "/register?error=email_taken",
    );
  });
});

describe("registerProblemCode: the sign-up schema's first problem → a code of the page", () => {
  const codeOf = (input: unknown) => {
    const parsed = registerSchema.safeParse(input);
    if (parsed.success) return null;
    const issue = parsed.error.issues[0]!;
    return registerProblemCode(String(issue.path[0]), issue.message);
  };

  it("names each field's problem as the schema words it", () => {
    expect(codeOf({ email: "nope", password: "long enough" })).toBe("invalid_email");
    expect(codeOf({ email: "a@example.test" })).toBe("missing_password");
    expect(codeOf({ email: "a@example.test", password: "short" })).toBe("short_password");
    expect(codeOf({ email: "a@example.test", password: "x".repeat(201) })).toBe("long_password");
    expect(codeOf({ email: "a@example.test", password: "long enough", name: "n".repeat(101) })).toBe("long_name");
    expect(codeOf({ email: "a@example.test", password: "long enough" })).toBeNull();
  });

  it("every code it gives has a sentence of its own", () => {
    for (const [field, message] of [
      ["email", ""],
      ["name", ""],
      ["password", ""],
      ["other", ""],
    ] as const) {
      expect(authErrorSentence("/register", registerProblemCode(field, message))).not.toBe(
        "Couldn't create your account. Please try again.",
      );
    }
  });
});
