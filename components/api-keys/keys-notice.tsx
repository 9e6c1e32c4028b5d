import type { LucideIcon } from "lucide-react";
import type { ReactNode } from "react";
import { cn } from "@/lib/utils";

const TONE = {
  destructive: { role: "alert", box: "border-destructive/40 bg-destructive/10 text-destructive", icon: "" },
  warning: { role: "status", box: "border-warning/60 bg-warning/10", icon: "text-warning" },
} as const;

interface KeysNoticeProps {
  tone: keyof typeof TONE;
  icon: LucideIcon;
  title: string;
  children: ReactNode;
  /** Links to the keys' cards, each with its text. */
  links: { key: string; href: string; text: string }[];
  testId: string;
}

/** A notice at the top of the settings page about some keys (rejected, near their budget), with links to them. */
export function KeysNotice({ tone, icon: Icon, title, children, links, testId }: KeysNoticeProps) {
  return (
    <div
      role={TONE[tone].role}
      className={cn("flex items-start gap-3 rounded-lg border p-4 text-sm", TONE[tone].box)}
      data-testid={testId}
    >
      <Icon className={cn("mt-0.5 size-5 shrink-0", TONE[tone].icon)} aria-hidden />
      <div className="space-y-1">
        <p className="font-semibold">{title}</p>
        <p>{children}</p>
        <ul className="flex flex-wrap gap-x-4 gap-y-1">
          {links.map((link) => (
            <li key={link.key}>
              <a href={link.href} className="font-medium underline underline-offset-4">
                {link.text}
              </a>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
