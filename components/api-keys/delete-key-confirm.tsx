"use client";

import { DeleteConfirm } from "@/components/ui/delete-confirm";

interface DeleteKeyConfirmProps {
  providerName: string;
  /** One of the provider's several keys: only it goes, and the others stay in use. */
  keyLabel?: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** Another request of the dialog runs: the trigger waits. */
  waiting: boolean;
  /** The delete itself runs. */
  deleting: boolean;
  onConfirm: () => void;
}

/** "Delete API Key", asked twice: the trigger button and the confirmation it opens. */
export function DeleteKeyConfirm({ providerName, keyLabel, ...props }: DeleteKeyConfirmProps) {
  return (
    <DeleteConfirm
      label="Delete API Key"
      title={keyLabel ? `Delete the ${providerName} key “${keyLabel}”?` : `Delete your ${providerName} API key?`}
      description={
        keyLabel
          ? "Requests will use your other keys for this provider. This cannot be undone."
          : `Requests to ${providerName} will stop working until you add a key again. This cannot be undone.`
      }
      keepLabel="Keep key"
      {...props}
    />
  );
}
