/**
 * A signal between the settings page's parts: the key section announces that a key changed (saved, toggled,
 * tested, deleted), and the activity panel reloads its newest events. No payload: listeners fetch what they need.
 */
const listeners = new Set<() => void>();

export function announceKeyChange(): void {
  for (const listener of listeners) listener();
}

export function onKeyChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}
