export function FormAlert({ message }: { message: string | null }) {
  return (
    <div aria-live="assertive">
      {message ? (
        <p
          role="alert"
          className="rounded-md border border-destructive/30 bg-destructive/10 p-3 text-sm text-destructive"
        >
          {message}
        </p>
      ) : null}
    </div>
  );
}
