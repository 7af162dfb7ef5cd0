import "server-only";

import packageJson from "../package.json";
import { getBus } from "./bus";
import { getDb } from "./db";
import { getEnv } from "./env";
import { createLogger } from "./logger";
import { getStreamHub } from "./realtime/hub";

const log = createLogger("health");

/**
 * Reports what a load balancer needs: 503 when the database is unreachable
 * or the instance is shutting down. Redis being down is reported but does
 * not fail the check, because mutations still work without it.
 */
export async function readHealth() {
  let database: "ok" | "unreachable" = "ok";
  try {
    await getDb().$queryRawUnsafe("SELECT 1");
  } catch (error) {
    log.error({ err: error }, "database health check failed");
    database = "unreachable";
  }
  const hub = getStreamHub();
  const bus = getBus();
  const redis =
    getEnv().REDIS_URL === undefined ? "not_configured" : bus.status();
  const healthy = database === "ok" && !hub.draining;
  return {
    status: healthy ? ("ok" as const) : ("unavailable" as const),
    version: packageJson.version,
    database,
    redis,
    draining: hub.draining,
    streams: { open: hub.connectionCount },
    bus: { subscribers: bus.listenerCount() },
  };
}
