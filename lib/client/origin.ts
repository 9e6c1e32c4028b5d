/** A URL's origin (scheme, host, port): what a saved key is bound to. Text that is not a URL stays as it is. */
export const originOf = (url: string): string => (URL.canParse(url) ? new URL(url).origin : url);
