import { closeDb, describeDatabaseTarget, getDb } from "@/lib/db/client";
import { seedProviders } from "@/lib/db/seed";
import { run } from "./cli";

await run(async () => {
  console.log(`Seeding providers into ${describeDatabaseTarget()} …`);
  const count = await seedProviders(await getDb());
  console.log(`Done: ${count} providers present (inserted or refreshed; ids unchanged).`);
  await closeDb();
});
