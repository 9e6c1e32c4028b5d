import { REGISTRY_IDS } from "@/lib/domain/catalogue";
import { MAX_ENDPOINTS_PER_USER } from "@/lib/validation/endpoint-rules";

/**
 * A custom endpoint's slug: how the gateway names it in a model (`<slug>/<model>`, CONTRACT-WAVE3 "Gateway"). The
 * name in lower case, every character other than a-z and 0-9 as "-". Unique per owner: when the slug is a built-in
 * provider's id, or another of the owner's endpoints has it, "-2", "-3"… is added (lib/db/endpoints.ts takes the
 * first candidate that is free, in one statement).
 */
export function endpointSlug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "-");
}

const builtIn = new Set<string>(REGISTRY_IDS);

/** The slugs an endpoint of this name may take, best first: enough that one is always free. */
export function slugCandidates(name: string): string[] {
  const base = endpointSlug(name);
  const candidates = [base, ...Array.from({ length: MAX_ENDPOINTS_PER_USER + 1 }, (_, i) => `${base}-${i + 2}`)];
  return candidates.filter((slug) => !builtIn.has(slug));
}
