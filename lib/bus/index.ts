import "server-only";

import { getEnv } from "../env";
import { createLogger } from "../logger";
import { MemoryEventBus } from "./memory";
import { RedisEventBus } from "./redis";
import type { EventBus } from "./types";

// One bus per process, on globalThis so that route handlers, server actions
// and hot reloads, which Next.js may load as separate module instances, all
// publish to and listen on the same bus.
const busKey = Symbol.for("auditoria.bus");
type BusCache = { [busKey]?: EventBus };

export function getBus(): EventBus {
  const cache = globalThis as BusCache;
  cache[busKey] ??= createBus();
  return cache[busKey];
}

function createBus(): EventBus {
  const { REDIS_URL: url, REDIS_CHANNEL: channel } = getEnv();
  const log = createLogger("bus");
  if (url === undefined) {
    log.info("using the in-process bus (single instance)");
    return new MemoryEventBus();
  }
  log.info({ url: url.replace(/\/\/[^@]*@/, "//***@") }, "using the Redis bus");
  return new RedisEventBus(url, channel);
}

export type { BusMessage, EventBus } from "./types";
