import "server-only";

import { MemoryEventBus } from "./memory";
import type { EventBus } from "./types";

// One bus per process, on globalThis so that route handlers, server actions
// and hot reloads, which Next.js may load as separate module instances, all
// publish to and listen on the same bus.
const busKey = Symbol.for("auditoria.bus");
type BusCache = { [busKey]?: EventBus };

export function getBus(): EventBus {
  const cache = globalThis as BusCache;
  cache[busKey] ??= new MemoryEventBus();
  return cache[busKey];
}

export type { BusMessage, EventBus } from "./types";
