/**
 * Toasts without loading the toast library up front: the first toast loads sonner (components/toaster.tsx)
 * and is shown as soon as it is mounted. Keeps the settings page's initial JavaScript small.
 */
export interface ToastMessage {
  kind: "success" | "error";
  title: string;
  description?: string;
}

let deliver: ((message: ToastMessage) => void) | null = null;
const waiting: ToastMessage[] = [];
const wanted = new Set<() => void>();

function notify(message: ToastMessage): void {
  if (deliver) return deliver(message);
  waiting.push(message);
  for (const listener of wanted) listener();
}

export const toast = {
  success: (title: string, options: { description?: string } = {}) => notify({ kind: "success", title, ...options }),
  error: (title: string, options: { description?: string } = {}) => notify({ kind: "error", title, ...options }),
};

/** For the lazy toaster: called when a toast is waiting to be shown. */
export function onToastWanted(listener: () => void): () => void {
  wanted.add(listener);
  if (waiting.length > 0) listener();
  return () => wanted.delete(listener);
}

/** For the mounted toaster: receives the waiting toasts, then every new one. */
export function connectToaster(show: (message: ToastMessage) => void): () => void {
  deliver = show;
  for (const message of waiting.splice(0)) show(message);
  return () => {
    if (deliver === show) deliver = null;
  };
}
