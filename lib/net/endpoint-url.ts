import { EndpointNotAllowedError } from "@/lib/errors";
import { MAX_BASE_URL_LENGTH } from "@/lib/validation/endpoint-rules";
import { type Address, addressProblem, type Cidr, inCidr, parseAddress, parseCidr } from "./addresses";

/**
 * The rules a custom endpoint's URL must meet before anything is resolved or connected: https (http only for
 * hosts the operator allows), no user-info, no query, no fragment, and no host that is a refused address or a
 * name for this server itself. WHATWG URL parsing comes first, so every spelling of an address (2130706433,
 * 0177.0.0.1, 0x7f.1, %31%32%37.0.0.1) is judged in the one form it is rewritten to.
 */

/** ALLOWED_ENDPOINT_HOSTS, parsed: names match a URL's host name, addresses and CIDRs match an IP-literal host. */
export interface AllowList {
  names: ReadonlySet<string>;
  ranges: readonly Cidr[];
  /** Entries that are neither: ignored (nothing is opened by a typo). */
  invalid: readonly string[];
}

const HOST_NAME = /^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/;

export function parseAllowList(raw: string | undefined): AllowList {
  const names = new Set<string>();
  const ranges: Cidr[] = [];
  const invalid: string[] = [];
  for (const entry of (raw ?? "").split(",")) {
    const value = bareName(entry.trim().toLowerCase());
    if (value === "") continue;
    const address = parseAddress(value);
    const range = value.includes("/")
      ? parseCidr(value)
      : address
        ? ([address, address.kind() === "ipv4" ? 32 : 128] as Cidr)
        : null;
    if (range) ranges.push(range);
    else if (!value.includes("/") && HOST_NAME.test(value)) names.add(value);
    else invalid.push(entry.trim());
  }
  return { names, ranges, invalid };
}

/** A host as the URL names it: an IP literal, or a name (lower case, without a trailing dot). */
export type Host = { kind: "ip"; address: Address; text: string } | { kind: "name"; name: string; text: string };

export interface EndpointTarget {
  url: URL;
  host: Host;
  /** ALLOWED_ENDPOINT_HOSTS lists this host: plain http is accepted and whatever it resolves to is reachable. */
  allowed: boolean;
}

const bareName = (name: string) => name.replace(/\.$/, "");
const CONTROL_OR_SPACE = /[\u0000-\u0020\u007f-\u009f]/;
const refuse = (reason: string) => new EndpointNotAllowedError(reason);
const shorten = (text: string) => (text.length > 60 ? `${text.slice(0, 57)}…` : text);

function hostOf(url: URL): Host {
  const address = parseAddress(url.hostname);
  if (address) return { kind: "ip", address, text: url.hostname };
  return { kind: "name", name: bareName(url.hostname), text: url.hostname };
}

/** "localhost" and every name under it mean this machine, whatever DNS says (RFC 6761). */
const isLoopbackName = (name: string) => name === "localhost" || name.endsWith(".localhost");

/**
 * Checks a URL against the rules above and says why it is refused (EndpointNotAllowedError). `allowQuery` is
 * for request URLs built from a stored base URL (a base URL itself never has one).
 */
export function checkEndpointUrl(
  raw: string,
  allowList: AllowList,
  options: { allowQuery?: boolean } = {},
): EndpointTarget {
  if (CONTROL_OR_SPACE.test(raw)) throw refuse("the URL contains spaces or control characters");
  if (raw.length > MAX_BASE_URL_LENGTH) throw refuse(`the URL is longer than ${MAX_BASE_URL_LENGTH} characters`);
  if (!URL.canParse(raw)) throw refuse(`"${shorten(raw)}" is not a URL; enter one such as https://api.example.com/v1`);
  const url = new URL(raw);
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw refuse(`only https:// URLs are accepted, not ${url.protocol}`);
  }
  if (url.username !== "" || url.password !== "") {
    throw refuse("a user name or password in the URL is not accepted (put the key in the API key field)");
  }
  if (url.href.includes("#")) throw refuse("a fragment (#…) is not accepted");
  if (!options.allowQuery && url.href.includes("?")) throw refuse("a query string (?…) is not accepted");

  const host = hostOf(url);
  if (host.kind === "name" && host.name === "") throw refuse("the host name is empty");
  const allowed =
    host.kind === "ip" ? allowList.ranges.some((range) => inCidr(host.address, range)) : allowList.names.has(host.name);
  if (url.protocol === "http:" && !allowed) {
    throw refuse(`plain http:// is accepted only for hosts this server allows (ALLOWED_ENDPOINT_HOSTS); use https://`);
  }
  if (!allowed) {
    const problem =
      host.kind === "ip"
        ? addressProblem(host.address)
        : isLoopbackName(host.name)
          ? "a name for this server itself (loopback)"
          : null;
    if (problem) throw refuse(`${host.text} is ${problem}`);
  }
  return { url, host, allowed };
}

/** The form a base URL is stored in: WHATWG-normalised, without trailing slashes (paths are appended to it). */
export function normaliseBaseUrl(target: EndpointTarget): string {
  return target.url.href.replace(/\/+$/, "");
}
