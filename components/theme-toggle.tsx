"use client";

import { Moon, Sun } from "lucide-react";
import { useTheme } from "next-themes";
import { Button } from "@/components/ui/button";

/**
 * Light or dark. The theme is known for certain only in the browser (next-themes sets the `dark` class before the
 * first paint), so nothing the server renders depends on it: the icon and the accessible name are both chosen by
 * that class, in CSS (`display: none` takes a name out of the accessibility tree), and the server's markup is the
 * browser's, with no hydration warning. The click reads the theme, which by then is known.
 */
export function ThemeToggle() {
  const { resolvedTheme, setTheme } = useTheme();
  return (
    <Button
      variant="ghost"
      size="icon"
      onClick={() => setTheme(resolvedTheme === "dark" ? "light" : "dark")}
      data-testid="theme-toggle"
    >
      <Sun className="hidden dark:block" aria-hidden />
      <Moon className="block dark:hidden" aria-hidden />
      <span className="sr-only dark:hidden">Switch to dark theme</span>
      <span className="sr-only hidden dark:inline">Switch to light theme</span>
    </Button>
  );
}
