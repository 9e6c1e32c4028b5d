"use client";

import { AlertTriangle, CheckCircle2, XCircle } from "lucide-react";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/utils";
import type { KeyNotice } from "./use-key-actions";

const TONE_CLASS: Record<KeyNotice["tone"], string> = {
  success: "border-success/30 bg-success/10 text-success",
  warning: "border-warning/30 bg-warning/10 text-warning",
  error: "border-destructive/30 bg-destructive/10 text-destructive",
};
const TONE_ICON = { success: CheckCircle2, warning: AlertTriangle, error: XCircle };

/** What the provider (or the server) said about the last test or save, announced to screen readers. */
export function KeyResultNotice({
  notice,
  waiting,
  onSaveAnyway,
}: {
  notice: KeyNotice;
  waiting: boolean;
  onSaveAnyway: () => void;
}) {
  const Icon = TONE_ICON[notice.tone];
  return (
    <div role="status" className={cn("flex items-start gap-2 rounded-md border p-3 text-sm", TONE_CLASS[notice.tone])}>
      <Icon className="mt-0.5 size-4 shrink-0" aria-hidden />
      <div className="space-y-2">
        <p>{notice.text}</p>
        {notice.saveAnyway ? (
          <Button size="sm" variant="outline" waiting={waiting} onClick={onSaveAnyway}>
            Save anyway
          </Button>
        ) : null}
      </div>
    </div>
  );
}
