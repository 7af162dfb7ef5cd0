// The open streams of the bare Next.js app. Route handlers are bundled
// separately, so the state lives on globalThis under a Symbol.for key.
const hubKey = Symbol.for("bench.nextFloorHub");
const encoder = new TextEncoder();

export const streamHeaders = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-cache, no-transform",
  Connection: "keep-alive",
  "X-Accel-Buffering": "no",
};
export const retry = encoder.encode("retry: 3000\n\n");
export const initialNotifications = encoder.encode(
  'event: notifications\nid: 0-0\ndata: {"count":0,"version":0}\n\n',
);
const ping = encoder.encode(": ping\n\n");

/** Writes `bytes` to a stream; a closed one is removed instead. */
export function write(hub, stream, bytes) {
  try {
    stream.controller.enqueue(bytes);
  } catch {
    hub.streams.delete(stream);
  }
}

function createHub() {
  const hub = {
    /** @type {Set<{ controller: ReadableStreamDefaultController, user: string }>} */
    streams: new Set(),
    version: 0,
    latestPresupuestos: null,
    encodeEvent(event, data) {
      hub.version += 1;
      return encoder.encode(
        `event: ${event}\nid: 0-${hub.version}\ndata: ${data}\n\n`,
      );
    },
  };
  hub.latestPresupuestos = hub.encodeEvent(
    "presupuestos",
    process.env.INITIAL_PRESUPUESTOS_DATA || '{"pendientes":[],"total":0}',
  );
  const heartbeatMs = Number(process.env.HEARTBEAT_MS || 30_000);
  setInterval(() => {
    for (const stream of hub.streams) write(hub, stream, ping);
  }, heartbeatMs).unref();
  return hub;
}

export function getHub() {
  globalThis[hubKey] ??= createHub();
  return globalThis[hubKey];
}
