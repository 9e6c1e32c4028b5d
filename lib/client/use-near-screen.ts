import { type RefObject, startTransition, useEffect } from "react";

/**
 * Calls `wake` (in a transition) once `element` comes within 400 px of the screen, or at once where the browser
 * has no IntersectionObserver: how the settings page's deferred panels load their code only when wanted.
 */
export function useNearScreen(element: RefObject<HTMLElement | null>, awake: boolean, wake: () => void) {
  useEffect(() => {
    if (awake) return;
    const target = element.current;
    const observer =
      target && "IntersectionObserver" in window
        ? new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && startTransition(wake), {
            rootMargin: "400px",
          })
        : null;
    if (target && observer) observer.observe(target);
    else wake();
    return () => observer?.disconnect();
    // `wake` is a fresh function on every render; the observer is set up once per sleep.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [awake, element]);
}
