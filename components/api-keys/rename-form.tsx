"use client";

import { useEffect, useId, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { labelProblem } from "@/lib/validation/label-rules";

/** A key's new label, in place of its actions: checked in the browser first (the server's rules), Escape cancels. */
export function RenameForm({
  label,
  onCancel,
  onSave,
}: {
  label: string;
  onCancel: () => void;
  onSave: (label: string) => Promise<void>;
}) {
  const [value, setValue] = useState(label);
  const [error, setError] = useState<string | null>(null);
  const inputId = useId();
  const errorId = useId();
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.select(), []);
  return (
    <form
      className="flex flex-wrap items-start gap-2 pt-2"
      onSubmit={(event) => {
        event.preventDefault();
        const problem = labelProblem(value);
        if (problem) return setError(problem);
        if (value.trim() === label) return onCancel();
        void onSave(value.trim());
      }}
      onKeyDown={(event) => {
        if (event.key === "Escape") onCancel();
      }}
    >
      <label htmlFor={inputId} className="sr-only">
        New label
      </label>
      <Input
        id={inputId}
        ref={input}
        value={value}
        maxLength={60}
        className="h-8 w-40 text-xs"
        aria-invalid={error !== null}
        aria-describedby={error ? errorId : undefined}
        onChange={(event) => {
          setValue(event.target.value);
          setError(null);
        }}
      />
      <Button type="submit" size="sm">
        Save
      </Button>
      <Button type="button" variant="ghost" size="sm" onClick={onCancel}>
        Cancel
      </Button>
      {error ? (
        <p id={errorId} className="w-full text-destructive" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
