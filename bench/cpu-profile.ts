/** Reading a V8 .cpuprofile (node --cpu-prof): where the self time went. */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export interface CpuProfile {
  nodes: ProfileNode[];
}

/** Where a frame's code comes from: a package, one of the app's server chunks, Node itself, or V8. */
function origin(url: string): string {
  if (!url) return "(V8: GC, program, native)";
  if (url.startsWith("node:")) return "node: internals";
  if (url.startsWith("wasm://")) return "PGlite WebAssembly";
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (inPackage) return inPackage;
  const chunk = /\.next\/server\/chunks\/(?:ssr\/)?(.+?)_[0-9a-z-]+\._\.js$/.exec(url)?.[1];
  return chunk ? `bundled: ${chunk.replace(/^node_modules_/, "")}` : url.replace(/^.*\/\.next\//, ".next/");
}

/**
 * The profile's self time, idle excluded: shares per origin (package, app chunk, Node), then the functions with
 * the most self time, each as "share  name  where".
 */
export function topFrames(profile: CpuProfile, count = 25): string[] {
  const byFunction = new Map<string, number>();
  const byOrigin = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (node.callFrame.functionName === "(idle)") continue;
    total += hits;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url
      .replace(/^.*\/node_modules\//, "")
      .replace(/^.*\/\.next\//, ".next/")
      .replace(/^file:\/\//, "");
    const key = `${functionName || "(anonymous)"}  ${where ? `${where}:${lineNumber + 1}` : ""}`.trim();
    byFunction.set(key, (byFunction.get(key) ?? 0) + hits);
    byOrigin.set(origin(url), (byOrigin.get(origin(url)) ?? 0) + hits);
  }
  const share = (hits: number) => `${((100 * hits) / Math.max(total, 1)).toFixed(1).padStart(5)}%`;
  const top = (map: Map<string, number>, n: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([key, hits]) => `${share(hits)}  ${key}`);
  return ["by origin:", ...top(byOrigin, 15), "by function:", ...top(byFunction, count)];
}
