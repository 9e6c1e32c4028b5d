import type { Config } from "tailwindcss";

// Loaded from app/globals.css with `@config`; Tailwind 4 reads theme tokens from CSS, this file holds the rest.
const config: Config = {
  content: ["./app/**/*.{ts,tsx}", "./components/**/*.{ts,tsx}"],
  darkMode: "class",
};

export default config;
