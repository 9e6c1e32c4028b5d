import { Moon, Sun } from "lucide-react";
import { buttonVariants } from "@/components/ui/button";

/**
 * Light or dark: a server component. Its clicks are answered by the theme's inline script (lib/theme.ts), which
 * also sets the `dark` class before the first paint; the theme is known for certain only in the browser, so
 * nothing rendered here depends on it: the icon and the accessible name are both chosen by that class, in CSS
 * (`display: none` takes a name out of the accessibility tree).
 */
export function ThemeToggle() {
  return (
    <button
      type="button"
      className={buttonVariants({ variant: "ghost", size: "icon" })}
      data-theme-toggle
      data-testid="theme-toggle"
    >
      <Sun className="hidden dark:block" aria-hidden />
      <Moon className="block dark:hidden" aria-hidden />
      <span className="sr-only dark:hidden">Switch to dark theme</span>
      <span className="sr-only hidden dark:inline">Switch to light theme</span>
    </button>
  );
}
