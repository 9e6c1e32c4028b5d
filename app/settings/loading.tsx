import { Skeleton } from "@/components/ui/skeleton";

/** Streamed first while the page loads its data: the same landmarks and heading, cards as placeholders. */
export default function SettingsLoading() {
  return (
    <>
      <div className="h-14 border-b" />
      <main aria-busy="true" className="mx-auto max-w-5xl space-y-10 px-4 py-8 sm:px-6">
        <div className="space-y-2">
          <h1 className="text-2xl font-semibold tracking-tight">Settings</h1>
          <p role="status" className="text-sm text-muted-foreground">
            Loading your keys…
          </p>
        </div>
        <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
          {Array.from({ length: 8 }, (_, i) => (
            <Skeleton key={i} className="h-44" />
          ))}
        </div>
      </main>
    </>
  );
}
