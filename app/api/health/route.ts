import { NextResponse } from "next/server";
import { pingDatabase } from "@/lib/db/health";
import { describeDatabaseError } from "@/lib/db/errors";
import { isAppError } from "@/lib/errors";
import { isDraining } from "@/lib/http/requests";
import { log } from "@/lib/log";

export const dynamic = "force-dynamic";

export async function GET() {
  // Stopping (lib/shutdown.ts): not ready, so that a load balancer sends nothing new here.
  if (isDraining()) {
    return NextResponse.json(
      { db: "unchecked", error: "This instance is stopping.", code: "shutting_down" },
      { status: 503, headers: { "Cache-Control": "no-store", "Retry-After": "5" } },
    );
  }
  try {
    await pingDatabase();
    return NextResponse.json({ db: "ok" }, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    log.error(
      { scope: "health", reason: describeDatabaseError(isAppError(error) ? error.cause : error) },
      "database check failed",
    );
    return NextResponse.json(
      { db: "unavailable", error: "The database is not answering.", code: "database_unavailable" },
      { status: 503, headers: { "Cache-Control": "no-store", "Retry-After": "5" } },
    );
  }
}
