import { type ClassValue, clsx } from "clsx";

/**
 * Joins class names. No tailwind-merge (9 kB of the settings page's JavaScript): the primitives in
 * components/ui are written so that a caller's classes add to theirs and never contradict them.
 */
export function cn(...inputs: ClassValue[]): string {
  return clsx(inputs);
}
