// Folder-level cycles (`npm run lint`): dependency-cruiser's module graph over app/, components/ and lib/, folded
// into folders (lib/db, lib/keys, components/api-keys, …; a top-level lib/ file is its own). Exits 1 naming each
// cycle and the imports that make it. Module-level cycles and the layers are .dependency-cruiser.cjs's rules.
import { cruise } from "dependency-cruiser";
import extractTSConfig from "dependency-cruiser/config-utl/extract-ts-config";

const folderOf = (path) => path.match(/^(app|components(?:\/[^/]+(?=\/))?|lib\/[^/]+)/)?.[1] ?? null;

const { output } = await cruise(
  ["app", "components", "lib"],
  { tsPreCompilationDeps: true, doNotFollow: { path: "node_modules" }, tsConfig: { fileName: "tsconfig.json" } },
  undefined,
  {
    tsConfig: extractTSConfig("tsconfig.json"),
  },
);
const edges = new Map();
for (const cruised of output.modules) {
  const from = folderOf(cruised.source);
  if (!from) continue;
  for (const dependency of cruised.dependencies) {
    const to = folderOf(dependency.resolved);
    if (!to || to === from) continue;
    if (!edges.has(from)) edges.set(from, new Map());
    const via = edges.get(from);
    if (!via.has(to)) via.set(to, []);
    via.get(to).push(`${cruised.source} → ${dependency.resolved}`);
  }
}

// Tarjan's strongly connected components: a component of more than one folder is a cycle.
const index = new Map();
const low = new Map();
const stack = [];
const cycles = [];
let counter = 0;
function visit(folder) {
  index.set(folder, counter);
  low.set(folder, counter++);
  stack.push(folder);
  for (const next of edges.get(folder)?.keys() ?? []) {
    if (!index.has(next)) {
      visit(next);
      low.set(folder, Math.min(low.get(folder), low.get(next)));
    } else if (stack.includes(next)) {
      low.set(folder, Math.min(low.get(folder), index.get(next)));
    }
  }
  if (low.get(folder) === index.get(folder)) {
    const component = [];
    let member;
    do {
      member = stack.pop();
      component.push(member);
    } while (member !== folder);
    if (component.length > 1) cycles.push(component);
  }
}
for (const folder of edges.keys()) if (!index.has(folder)) visit(folder);

if (cycles.length === 0) {
  console.log(`✔ no folder-level cycles (${edges.size} folders)`);
} else {
  for (const cycle of cycles) {
    console.error(`✘ folders that import each other: ${cycle.join(", ")}`);
    for (const from of cycle) {
      for (const [to, imports] of edges.get(from) ?? [])
        if (cycle.includes(to))
          console.error(`    ${imports[0]}${imports.length > 1 ? ` (+${imports.length - 1})` : ""}`);
    }
  }
  process.exit(1);
}
