import "server-only";

import { getBus } from "./bus";
import { getDb } from "./db";
import { createLogger } from "./logger";
import { getStreamHub } from "./realtime/hub";

const log = createLogger("health");

/** Reports database reachability and this instance's stream counters. */
export async function readHealth() {
  let database: "ok" | "unreachable" = "ok";
  try {
    await getDb().$queryRawUnsafe("SELECT 1");
  } catch (error) {
    log.error({ err: error }, "database health check failed");
    database = "unreachable";
  }
  return {
    status: database === "ok" ? ("ok" as const) : ("degraded" as const),
    database,
    streams: { open: getStreamHub().connectionCount },
    bus: { subscribers: getBus().listenerCount() },
  };
}
