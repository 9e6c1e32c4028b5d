"use client";

import { Fragment, type ReactNode, startTransition, Suspense, useRef, useState } from "react";
import { StandInOnError } from "@/components/ui/stand-in-on-error";
import { useHydrated } from "@/lib/client/use-hydrated";
import { useNearScreen } from "@/lib/client/use-near-screen";

/**
 * What the user did in the stand-in's fields before the panel's code arrived: what was typed (by field name), the
 * field that had the focus, and whether Enter was pressed in one (the form is to be sent once it can be).
 */
export interface KeptInput {
  values: Record<string, string>;
  focused: string | null;
  submitted: boolean;
}

interface DeferredSectionProps {
  /** Loads the panel's code (a cached import: calling it again costs nothing). */
  load: () => Promise<unknown>;
  /**
   * The panel, once awake. `wake` is the `data-wake` of the stand-in's control that woke it, if one did; `kept`,
   * what was typed into the stand-in's fields (focusing one wakes the panel; the panel should take it over).
   */
  panel: (wake: string | null, kept: KeptInput) => ReactNode;
  /** Woken from outside (the activity panel, when a key changes). */
  woken?: boolean;
  /** The section as the server rendered it: shown until the panel's code is there, and for good if it cannot load. */
  children: ReactNode;
}

/**
 * A section of the settings page whose code loads when it is wanted, not with the page (the page's first load has a
 * JavaScript budget: README, Performance): when it comes near the screen, when it is woken from outside, or when a
 * control of the stand-in marked `data-wake` is pressed (its code starts loading as soon as the pointer or the focus
 * is on it, and the panel starts by doing what was pressed). Every wake-up is a transition: the stand-in stays, as it
 * is, while the code loads. Until the page has hydrated, the stand-in's buttons are disabled (a click would be lost).
 */
export function DeferredSection({ load, panel, woken = false, children }: DeferredSectionProps) {
  const [awake, setAwake] = useState(false);
  const [wake, setWake] = useState<string | null>(null);
  const [kept, setKept] = useState<KeptInput>({ values: {}, focused: null, submitted: false });
  const hydrated = useHydrated();
  const placeholder = useRef<HTMLDivElement>(null);
  useNearScreen(placeholder, awake || woken, () => setAwake(true));

  const wakeOf = (target: EventTarget) => (target as HTMLElement).closest<HTMLElement>("[data-wake]")?.dataset.wake;
  /** A press on one of the stand-in's controls: the panel wakes and starts with what it asked for. */
  const pressed = (target: EventTarget) => {
    const control = wakeOf(target);
    if (control)
      startTransition(() => {
        setWake(control);
        setAwake(true);
      });
    return control !== undefined;
  };
  /** A field of the stand-in (until the panel is in, the fields on screen are the stand-in's). */
  const standInField = (target: EventTarget) => (!awake && target instanceof HTMLInputElement ? target : null);
  return (
    <div
      ref={placeholder}
      onPointerOverCapture={(event) => wakeOf(event.target) && void load()}
      onFocusCapture={(event) => {
        const field = standInField(event.target);
        if (field) {
          setKept((k) => ({ ...k, focused: field.name }));
          startTransition(() => setAwake(true));
        }
        if (field || wakeOf(event.target)) void load();
      }}
      onKeyDownCapture={(event) => {
        if (event.key === "Enter" && standInField(event.target)) setKept((k) => ({ ...k, submitted: true }));
      }}
      onInputCapture={(event) => {
        const field = standInField(event.target);
        if (field) setKept((k) => ({ ...k, values: { ...k.values, [field.name]: field.value } }));
      }}
      // On the press, not only the click: if the panel replaces the stand-in between the button's pointerdown and
      // its pointerup, the browser sends the click to neither button (it goes to their common ancestor).
      onPointerDownCapture={(event) => event.button === 0 && pressed(event.target)}
      onClickCapture={(event) => pressed(event.target) && event.preventDefault()}
    >
      {/* A disabled fieldset disables every button in it. */}
      <fieldset disabled={!hydrated} role="none" className="contents">
        <StandInOnError fallback={children}>
          <Suspense fallback={children}>
            {/* Keyed by the wake: a press on the stand-in while the code was loading for another reason (it came
                near the screen) can arrive after the panel is in, in its own transition; the panel starts again
                with it rather than miss it. */}
            {awake || woken ? <Fragment key={wake ?? ""}>{panel(wake, kept)}</Fragment> : children}
          </Suspense>
        </StandInOnError>
      </fieldset>
    </div>
  );
}
