const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** PostgreSQL rejects a malformed uuid with an error; asking first lets "no such row" stay a plain miss. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
