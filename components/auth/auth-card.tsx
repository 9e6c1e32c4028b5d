import type { ReactNode } from "react";
import { Card, CardDescription, CardHeader } from "@/components/ui/card";

export function AuthCard({
  title,
  description,
  children,
  footer,
}: {
  title: string;
  description: string;
  children: ReactNode;
  footer: ReactNode;
}) {
  return (
    <main className="flex min-h-[calc(100dvh-3.5rem)] items-center justify-center px-4 py-12">
      <Card className="w-full max-w-sm">
        <CardHeader>
          <h1 className="text-xl font-semibold tracking-tight">{title}</h1>
          <CardDescription>{description}</CardDescription>
        </CardHeader>
        <div className="px-5 pb-5">{children}</div>
        <div className="flex justify-center border-t px-5 py-4 text-sm text-muted-foreground">{footer}</div>
      </Card>
    </main>
  );
}
