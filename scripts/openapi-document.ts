import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { openApiDocument } from "@/lib/api/openapi";

/** Writes the OpenAPI document GET /api/openapi.json serves to the file named (for `npm run lint:openapi`). */
const [path] = process.argv.slice(2);
if (!path) {
  console.error("usage: tsx scripts/openapi-document.ts <file.json>");
  process.exit(2);
}
mkdirSync(dirname(path), { recursive: true });
writeFileSync(path, `${JSON.stringify(openApiDocument(), null, 2)}\n`);
