"use client";

import { lazy, Suspense, useEffect, useState } from "react";
import { onToastWanted } from "@/lib/client/toast";

const Toaster = lazy(() => import("./ui/sonner").then((m) => ({ default: m.Toaster })));

/** Mounts the toast library the first time something wants to show a toast. */
export function LazyToaster() {
  const [needed, setNeeded] = useState(false);
  useEffect(() => onToastWanted(() => setNeeded(true)), []);
  return needed ? (
    <Suspense fallback={null}>
      <Toaster />
    </Suspense>
  ) : null;
}
