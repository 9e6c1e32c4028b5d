"use client";

import { RotateCw } from "lucide-react";
import { useRouter } from "next/navigation";
import { startTransition } from "react";
import { Button } from "@/components/ui/button";

/** Shown when the page cannot load its data (the database is down): say so, and offer to try again. */
export default function SettingsError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const router = useRouter();
  return (
    <main className="mx-auto flex max-w-lg flex-col items-center gap-4 px-6 py-24 text-center">
      <h1 className="text-xl font-semibold">We couldn&apos;t load your settings</h1>
      <p className="text-sm text-muted-foreground">
        The service is having trouble reaching its database. Your keys are safe; nothing was changed.
      </p>
      <Button
        onClick={() =>
          startTransition(() => {
            router.refresh();
            reset();
          })
        }
      >
        <RotateCw aria-hidden />
        Try again
      </Button>
    </main>
  );
}
