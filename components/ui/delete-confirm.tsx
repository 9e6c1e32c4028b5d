"use client";

import type { ReactNode } from "react";
import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "./alert-dialog";
import { Button } from "./button";

interface DeleteConfirmProps {
  /** The trigger's and the confirming button's label, e.g. "Delete API Key". */
  label: string;
  /** A trigger of the caller's (e.g. a smaller button); by default a button saying `label`. */
  trigger?: ReactNode;
  title: string;
  description: string;
  /** The cancelling button's label, e.g. "Keep key". */
  keepLabel: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** Another request of the surrounding form runs: the trigger waits. */
  waiting: boolean;
  /** The delete itself runs. */
  deleting: boolean;
  onConfirm: () => void;
}

/** A destructive action asked twice: the trigger button, and the confirmation it opens. */
export function DeleteConfirm({
  label,
  trigger,
  title,
  description,
  keepLabel,
  open,
  onOpenChange,
  waiting,
  deleting,
  onConfirm,
}: DeleteConfirmProps) {
  return (
    <AlertDialog open={open} onOpenChange={onOpenChange}>
      <AlertDialogTrigger asChild>
        {trigger ?? (
          <Button variant="destructive-outline" waiting={waiting}>
            {label}
          </Button>
        )}
      </AlertDialogTrigger>
      <AlertDialogContent>
        <AlertDialogTitle>{title}</AlertDialogTitle>
        <AlertDialogDescription>{description}</AlertDialogDescription>
        <AlertDialogFooter>
          <AlertDialogCancel disabled={deleting}>{keepLabel}</AlertDialogCancel>
          <AlertDialogAction busy={deleting} onClick={onConfirm}>
            {deleting ? "Deleting..." : label}
          </AlertDialogAction>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}
