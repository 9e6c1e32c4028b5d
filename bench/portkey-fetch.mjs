/**
 * Loaded into Portkey's gateway process by the bench (node --import): on Node 20, Portkey 1.15's streamed answers
 * fail ("TypeError: immutable": it appends its headers to the Response fetch returned, whose headers are
 * immutable in Node's fetch). Each fetched Response is handed over as a copy with headers of its own — the body
 * is the same stream, untouched — so that Portkey can stream at all. Nothing else of Portkey changes.
 */
const original = globalThis.fetch;
globalThis.fetch = async (...args) => {
  const response = await original(...args);
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers: new Headers(response.headers),
  });
};
