import { useSyncExternalStore } from "react";

export type Theme = "light" | "dark";

const root = () => document.documentElement;

/** The theme on screen (the class lib/theme.ts's script put on <html>). */
function currentTheme(): Theme {
  return root().classList.contains("dark") ? "dark" : "light";
}

function subscribe(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(root(), { attributes: true, attributeFilter: ["class"] });
  return () => observer.disconnect();
}

/** The theme on screen, kept up to date (for components that draw with it, such as the toasts). */
export function useTheme(): Theme {
  return useSyncExternalStore(subscribe, currentTheme, () => "light");
}
