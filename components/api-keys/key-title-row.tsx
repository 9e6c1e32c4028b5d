"use client";

import { ArrowDown, ArrowUp } from "lucide-react";
import { useEffect, useRef } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import type { ListedKeyView } from "@/lib/validation/api-keys";
import { ExpiryBadge, HealthBadge, ReentryBadge } from "./key-status";

export interface KeyPlace {
  first: boolean;
  last: boolean;
  /** The provider's only key: no order to change, and the card's words for one key. */
  only: boolean;
}

export interface Moving {
  /** This key was just moved with that button: put the keyboard back on it (or on the other, at an end). */
  focusMove: "up" | "down" | null;
  onMove: (direction: "up" | "down") => void;
}

/** A key's label and badges, and its move buttons when the provider has several keys. */
export function KeyTitleRow(
  props: { apiKey: ListedKeyView; labelId: string; place: KeyPlace; primary: boolean; now: number } & Moving,
) {
  const { apiKey, labelId, place, primary, now } = props;
  return (
    <div className="flex flex-wrap items-center justify-between gap-2">
      <span className="flex min-w-0 flex-wrap items-center gap-1.5">
        <span id={labelId} className="text-sm font-medium break-all">
          {apiKey.label}
        </span>
        {/* A lone key's state is the card's (its header): said once. */}
        {place.only ? null : (
          <>
            {primary ? <Badge variant="success">Primary</Badge> : null}
            <HealthBadge health={apiKey.health} />
            <ExpiryBadge expiresAt={apiKey.expiresAt} now={now} />
            {apiKey.needsReentry ? <ReentryBadge /> : null}
          </>
        )}
      </span>
      {place.only ? null : (
        <MoveButtons
          label={apiKey.label}
          position={apiKey.position}
          place={place}
          focusMove={props.focusMove}
          onMove={props.onMove}
        />
      )}
    </div>
  );
}

function MoveButtons({
  label,
  position,
  place,
  focusMove,
  onMove,
}: { label: string; position: number; place: KeyPlace } & Moving) {
  const up = useRef<HTMLButtonElement>(null);
  const down = useRef<HTMLButtonElement>(null);
  // After a move the key is in its new place: the keyboard goes back to the same button, or to the other one
  // when the key reached an end.
  useEffect(() => {
    if (!focusMove) return;
    const same = focusMove === "up" ? (place.first ? down : up) : place.last ? up : down;
    same.current?.focus();
  }, [focusMove, position, place.first, place.last]);
  return (
    <span className="flex items-center gap-1">
      <Button
        variant="ghost"
        size="icon"
        className="size-7"
        aria-label={`Move ${label} up`}
        ref={up}
        disabled={place.first}
        onClick={() => onMove("up")}
      >
        <ArrowUp aria-hidden />
      </Button>
      <Button
        variant="ghost"
        size="icon"
        className="size-7"
        aria-label={`Move ${label} down`}
        ref={down}
        disabled={place.last}
        onClick={() => onMove("down")}
      >
        <ArrowDown aria-hidden />
      </Button>
    </span>
  );
}
