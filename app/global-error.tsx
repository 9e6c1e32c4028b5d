"use client";

/** The last-resort page when the root layout itself fails. Plain HTML: the layout (and its CSS) did not render. */
export default function GlobalError({ reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: "system-ui, sans-serif", maxWidth: 480, margin: "15vh auto", padding: "0 1.5rem" }}>
        <main>
          <h1>Something went wrong</h1>
          <p>The page could not be shown. Your keys are safe; nothing was changed.</p>
          <button type="button" onClick={reset}>
            Try again
          </button>
        </main>
      </body>
    </html>
  );
}
