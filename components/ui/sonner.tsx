"use client";

import { useTheme } from "next-themes";
import { useEffect } from "react";
import { Toaster as Sonner, toast } from "sonner";
import { connectToaster } from "@/lib/client/toast";

export function Toaster() {
  const { resolvedTheme } = useTheme();
  // Sonner's own Toaster (a child) subscribes first; then the waiting toasts are handed over.
  useEffect(() => connectToaster(({ kind, title, description }) => toast[kind](title, { description })), []);
  return <Sonner theme={resolvedTheme === "dark" ? "dark" : "light"} position="bottom-right" richColors closeButton />;
}
