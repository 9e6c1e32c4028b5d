import { NextResponse } from "next/server";

export const dynamic = "force-dynamic";

/**
 * Liveness: the process is up and serving. It touches nothing else (no database, no session), so a container
 * restarts only for a wedged process, not for a database outage; readiness is GET /api/health. It is also the
 * benchmark's floor: the cost of a request through the framework and nothing more.
 */
export function GET() {
  return NextResponse.json({ status: "ok" }, { headers: { "Cache-Control": "no-store" } });
}
