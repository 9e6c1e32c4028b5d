"use client";

import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";

interface DeleteKeyConfirmProps {
  providerName: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** Another request of the dialog runs: the trigger waits. */
  waiting: boolean;
  /** The delete itself runs. */
  deleting: boolean;
  onConfirm: () => void;
}

/** "Delete API Key", asked twice: the trigger button and the confirmation it opens. */
export function DeleteKeyConfirm({ providerName, open, onOpenChange, waiting, deleting, onConfirm }: DeleteKeyConfirmProps) {
  return (
    <AlertDialog open={open} onOpenChange={onOpenChange}>
      <AlertDialogTrigger asChild>
        <Button variant="destructive-outline" waiting={waiting}>
          Delete API Key
        </Button>
      </AlertDialogTrigger>
      <AlertDialogContent>
        <AlertDialogTitle>Delete your {providerName} API key?</AlertDialogTitle>
        <AlertDialogDescription>
          Requests to {providerName} will stop working until you add a key again. This cannot be undone.
        </AlertDialogDescription>
        <AlertDialogFooter>
          <AlertDialogCancel disabled={deleting}>Keep key</AlertDialogCancel>
          <AlertDialogAction busy={deleting} onClick={onConfirm}>
            {deleting ? "Deleting..." : "Delete API Key"}
          </AlertDialogAction>
        </AlertDialogFooter>
      </AlertDialogContent>
    </AlertDialog>
  );
}
