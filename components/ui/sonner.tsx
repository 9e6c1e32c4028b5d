"use client";

import { useEffect } from "react";
import { Toaster as Sonner, toast } from "sonner";
import { useTheme } from "@/lib/client/theme";
import { connectToaster } from "@/lib/client/toast";

export function Toaster() {
  const theme = useTheme();
  // Sonner's own Toaster (a child) subscribes first; then the waiting toasts are handed over.
  useEffect(() => connectToaster(({ kind, title, description }) => toast[kind](title, { description })), []);
  return <Sonner theme={theme} position="bottom-right" richColors closeButton />;
}
