import { test as base } from "@playwright/test";

export { expect } from "@playwright/test";

type Reporter = { __cspViolation: (text: string) => void };

/**
 * Every browser test watches its pages for Content-Security-Policy violations (the `securitypolicyviolation`
 * event and Chromium's console reports): a test whose pages caused one fails, so the policy of proxy.ts is
 * proven against every page and interaction the suite goes through.
 */
export const test = base.extend<{ cspViolations: string[] }>({
  cspViolations: [
    async ({ context }, use) => {
      const violations: string[] = [];
      await context.exposeBinding("__cspViolation", (_source, text: string) => void violations.push(text));
      await context.addInitScript(() => {
        document.addEventListener("securitypolicyviolation", (event) => {
          const where = `${event.sourceFile}:${event.lineNumber}`;
          (window as unknown as Reporter).__cspViolation(
            `${event.effectiveDirective} blocked ${event.blockedURI || "inline"} at ${where}`,
          );
        });
      });
      context.on("console", (message) => {
        if (/content.security.policy/i.test(message.text())) violations.push(`console: ${message.text()}`);
      });
      await use(violations);
      base.expect(violations, "Content-Security-Policy violations in this test's pages").toEqual([]);
    },
    { auto: true },
  ],
});
