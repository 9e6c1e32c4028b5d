/** The frame both Radix dialogs share (dialog.tsx, alert-dialog.tsx): a dimmed overlay, a centred panel. */
export const modalOverlayClass = "fixed inset-0 z-50 bg-black/50";
export const modalPanelClass =
  "fixed top-1/2 left-1/2 z-50 grid w-[calc(100%-2rem)] -translate-x-1/2 -translate-y-1/2 gap-4 rounded-lg border bg-card p-6 text-card-foreground shadow-lg outline-none";
