import "server-only";

import { getBus } from "../bus";
import { getDb } from "../db";
import { getEnv } from "../env";
import { createLogger } from "../logger";
import { getStreamHub } from "../realtime/hub";

const log = createLogger("lifecycle");
const registeredKey = Symbol.for("auditoria.shutdownRegistered");
type Registry = { [registeredKey]?: boolean };

/** Time left to requests other than streams before the process exits, in ms. */
const requestGraceMs = 1_000;

/**
 * Installs the SIGTERM and SIGINT handlers: the instance stops accepting
 * streams and reports 503 on /api/health, closes its streams with a
 * jittered reconnect hint, releases the bus and the database, and exits,
 * always within SHUTDOWN_TIMEOUT_MS. Next.js exits at once on SIGTERM
 * unless NEXT_MANUAL_SIG_HANDLE is set, which npm start does.
 */
export function registerShutdown(): void {
  const registry = globalThis as Registry;
  if (registry[registeredKey]) return;
  registry[registeredKey] = true;

  const env = getEnv();
  if (!env.NEXT_MANUAL_SIG_HANDLE) {
    log.warn(
      "NEXT_MANUAL_SIG_HANDLE is not set: Next.js exits at once on SIGTERM " +
        "and streams close without a reconnect hint. npm start sets it.",
    );
  }
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    void shutdown(signal, env.SHUTDOWN_TIMEOUT_MS, env.SSE_RETRY_MS);
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
}

async function shutdown(
  signal: NodeJS.Signals,
  timeoutMs: number,
  retryMs: number,
): Promise<void> {
  const startedAt = Date.now();
  const hub = getStreamHub();
  const streams = hub.connectionCount;
  log.info({ signal, streams, timeoutMs }, "shutting down");
  const deadline = setTimeout(() => {
    log.error({ timeoutMs }, "shutdown timed out; exiting");
    process.exit(1);
  }, timeoutMs);
  deadline.unref();

  hub.drain(Math.round(retryMs / 4), retryMs);
  const grace = Math.min(requestGraceMs, Math.max(0, timeoutMs - 2_000));
  await new Promise((resolve) => setTimeout(resolve, grace));
  const released = await Promise.allSettled([
    getBus().close(),
    getDb().$disconnect(),
  ]);
  for (const result of released) {
    if (result.status === "rejected") {
      log.warn({ err: result.reason }, "release failed during shutdown");
    }
  }
  log.info(
    { streams, durationMs: Date.now() - startedAt },
    "shutdown complete",
  );
  process.exit(0);
}
