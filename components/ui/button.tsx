import { cva, type VariantProps } from "class-variance-authority";
import { Loader2 } from "lucide-react";
import type { ComponentProps, MouseEvent } from "react";
import { cn } from "@/lib/utils";

export const buttonVariants = cva(
  "inline-flex shrink-0 items-center justify-center gap-2 rounded-md text-sm font-medium whitespace-nowrap transition-colors outline-none focus-visible:ring-2 focus-visible:ring-ring focus-visible:ring-offset-2 focus-visible:ring-offset-background disabled:pointer-events-none disabled:opacity-60 aria-disabled:cursor-not-allowed aria-disabled:opacity-60 [&_svg]:size-4 [&_svg]:shrink-0",
  {
    variants: {
      variant: {
        default: "bg-primary text-primary-foreground hover:bg-primary/90",
        outline: "border border-input bg-card hover:bg-muted",
        secondary: "bg-secondary text-secondary-foreground hover:bg-secondary/80",
        ghost: "hover:bg-muted",
        destructive: "bg-destructive text-destructive-foreground hover:bg-destructive/90",
        "destructive-outline": "border border-destructive/50 text-destructive hover:bg-destructive/10",
        link: "text-primary underline-offset-4 hover:underline",
      },
      size: {
        default: "h-9 px-4 py-2",
        sm: "h-8 px-3",
        lg: "h-10 px-6",
        icon: "size-9",
      },
    },
    defaultVariants: { variant: "default", size: "default" },
  },
);

interface BusyProps {
  /**
   * The one rule for buttons while a request runs: every action of the form is `waiting` (aria-disabled, clicks
   * and submits ignored, keyboard focus kept — a disabled button would drop it), and the one whose request
   * runs is also `busy` (a spinner; its label says what is happening).
   */
  waiting?: boolean;
  busy?: boolean;
}

export function Button({
  className,
  variant,
  size,
  type = "button",
  waiting = false,
  busy = false,
  onClick,
  children,
  "aria-disabled": ariaDisabled,
  ...props
}: ComponentProps<"button"> & VariantProps<typeof buttonVariants> & BusyProps) {
  const inert = waiting || busy;
  return (
    <button
      type={type}
      className={cn(buttonVariants({ variant, size }), className)}
      aria-disabled={inert || ariaDisabled || undefined}
      aria-busy={busy || undefined}
      onClick={(event: MouseEvent<HTMLButtonElement>) => {
        if (inert) return event.preventDefault();
        onClick?.(event);
      }}
      {...props}
    >
      {busy ? <Loader2 className="animate-spin" aria-hidden /> : null}
      {children}
    </button>
  );
}
