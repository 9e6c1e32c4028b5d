"use client";

/**
 * Shown when the page cannot load its data (the database is down): say so, and offer to try again. Kept free of
 * imports: an error boundary's code loads with every view of the page. "Try again" is a plain link that loads the
 * page anew (and works without JavaScript); the router's refresh it replaced cost the page ~0.4 kB gzip.
 */
export default function SettingsError() {
  return (
    <main className="mx-auto flex max-w-lg flex-col items-center gap-4 px-6 py-24 text-center">
      <h1 className="text-xl font-semibold">We couldn&apos;t load your settings</h1>
      <p className="text-sm text-muted-foreground">
        The service is having trouble reaching its database. Your keys are safe; nothing was changed.
      </p>
      <a
        href="/settings"
        className="inline-flex h-9 items-center rounded-md bg-primary px-4 text-sm font-medium text-primary-foreground hover:bg-primary/90 focus-visible:ring-2 focus-visible:ring-ring focus-visible:ring-offset-2 focus-visible:outline-none"
      >
        Try again
      </a>
    </main>
  );
}
