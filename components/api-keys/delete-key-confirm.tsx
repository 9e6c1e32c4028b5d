"use client";

import { DeleteConfirm } from "@/components/ui/delete-confirm";

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
export function DeleteKeyConfirm({ providerName, ...props }: DeleteKeyConfirmProps) {
  return (
    <DeleteConfirm
      label="Delete API Key"
      title={`Delete your ${providerName} API key?`}
      description={`Requests to ${providerName} will stop working until you add a key again. This cannot be undone.`}
      keepLabel="Keep key"
      {...props}
    />
  );
}
