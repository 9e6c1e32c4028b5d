import type { ComponentProps } from "react";
import { cn } from "@/lib/utils";

/** `trailing` leaves room on the right for a button laid over the field (show/hide). */
export function Input({ className, trailing = false, ...props }: ComponentProps<"input"> & { trailing?: boolean }) {
  return (
    <input
      className={cn(
        trailing ? "pr-10 pl-3" : "px-3",
        "flex h-9 w-full min-w-0 rounded-md border border-input bg-background py-1 text-sm shadow-xs outline-none transition-colors placeholder:text-muted-foreground focus-visible:ring-2 focus-visible:ring-ring disabled:opacity-60 aria-invalid:border-destructive aria-invalid:ring-destructive/30",
        className,
      )}
      {...props}
    />
  );
}
