// A bench client process. It opens many event-stream connections to a
// server under test and reports over IPC when each one received the events
// that the parent's watch command names. bench/client-pool.ts starts and
// drives it.
//
// Times are process.hrtime() in milliseconds: CLOCK_MONOTONIC, which all
// processes on the machine share, so the parent can compare them with its
// own send timestamps.
//
// The process exits when its parent disconnects, on the "exit" command, or
// after BENCH_MAX_LIFETIME_MS.
import http from "node:http";

const agent = new http.Agent({
  keepAlive: false,
  maxSockets: Infinity,
  maxTotalSockets: Infinity,
});
const eventEnd = Buffer.from("\n\n");
const newline = 0x0a;
const colon = 0x3a;
const presupuestosPrefix = Buffer.from("event: presupuestos\n");
const notificationsPrefix = Buffer.from("event: notifications\n");
const dataPrefix = Buffer.from("\ndata: ");

/** @type {Map<number, ReturnType<typeof newConnection>>} */
const connections = new Map();
let waiters = [];
/** Watched connections that have not received their event yet. */
let pendingArrivals = 0;

const now = () => Number(process.hrtime.bigint()) / 1e6;

function newConnection(spec) {
  return {
    index: spec.index,
    ready: spec.ready,
    request: null,
    status: 0,
    startedAt: 0,
    readyAt: 0,
    failure: null,
    closed: false,
    parts: [],
    endsWithNewline: false,
    bytes: 0,
    comments: 0,
    presupuestosEvents: 0,
    notificationsEvents: 0,
    maxPresupuestosBytes: 0,
    notificationsCount: null,
    watch: null,
    arrivedAt: 0,
  };
}

// --- parsing --------------------------------------------------------------

function onChunk(connection, chunk) {
  connection.bytes += chunk.length;
  let start = 0;
  if (connection.endsWithNewline && chunk[0] === newline) {
    connection.parts.push(chunk.subarray(0, 1));
    completeEvent(connection);
    start = 1;
  }
  for (;;) {
    const end = chunk.indexOf(eventEnd, start);
    if (end === -1) break;
    connection.parts.push(chunk.subarray(start, end + 2));
    completeEvent(connection);
    start = end + 2;
  }
  if (start < chunk.length) {
    connection.parts.push(chunk.subarray(start));
    connection.endsWithNewline = chunk[chunk.length - 1] === newline;
  } else {
    connection.endsWithNewline = false;
  }
}

function completeEvent(connection) {
  const block =
    connection.parts.length === 1
      ? connection.parts[0]
      : Buffer.concat(connection.parts);
  connection.parts = [];
  if (block[0] === colon) {
    connection.comments += 1;
    return;
  }
  const at = now();
  if (startsWith(block, presupuestosPrefix)) {
    connection.presupuestosEvents += 1;
    connection.maxPresupuestosBytes = Math.max(
      connection.maxPresupuestosBytes,
      block.length,
    );
    markReady(connection, "presupuestos", at);
    checkPresupuestosWatch(connection, block, at);
  } else if (startsWith(block, notificationsPrefix)) {
    connection.notificationsEvents += 1;
    connection.notificationsCount = readCount(block);
    markReady(connection, "notifications", at);
    const watch = connection.watch;
    if (
      watch?.kind === "count-above" &&
      !connection.arrivedAt &&
      connection.notificationsCount > watch.baseline
    ) {
      arrive(connection, at);
    }
  }
}

function checkPresupuestosWatch(connection, block, at) {
  const watch = connection.watch;
  if (!watch || connection.arrivedAt) return;
  if (watch.kind === "contains") {
    if (watch.markers.every((marker) => block.includes(marker))) {
      arrive(connection, at);
    }
  } else if (watch.kind === "lacks") {
    if (watch.markers.every((marker) => !block.includes(marker))) {
      arrive(connection, at);
    }
  }
}

function startsWith(block, prefix) {
  return (
    block.length >= prefix.length &&
    block.compare(prefix, 0, prefix.length, 0, prefix.length) === 0
  );
}

function readCount(block) {
  const start = block.indexOf(dataPrefix);
  if (start === -1) return null;
  const line = block.toString("utf8", start + dataPrefix.length).trim();
  try {
    return JSON.parse(line).count ?? null;
  } catch {
    return null;
  }
}

function markReady(connection, event, at) {
  if (connection.readyAt || connection.ready !== event) return;
  connection.readyAt = at;
  notifyWaiters();
}

function arrive(connection, at) {
  connection.arrivedAt = at;
  pendingArrivals -= 1;
  if (pendingArrivals === 0) notifyWaiters();
}

function notifyWaiters() {
  const pending = waiters;
  waiters = [];
  for (const check of pending) if (!check()) waiters.push(check);
}

// --- commands -------------------------------------------------------------

function openOne(target, spec) {
  const connection = newConnection(spec);
  connections.set(spec.index, connection);
  connection.startedAt = now();
  return new Promise((resolve) => {
    const finish = (failure) => {
      if (failure && !connection.failure) connection.failure = failure;
      resolve();
    };
    const timer = setTimeout(
      () => finish(`not ready within ${target.readyTimeoutMs} ms`),
      target.readyTimeoutMs,
    );
    const request = http.get(
      {
        host: target.host,
        port: target.port,
        path: spec.path,
        headers: { Accept: "text/event-stream", ...spec.headers },
        agent,
      },
      (response) => {
        connection.status = response.statusCode ?? 0;
        if (connection.status !== 200) {
          let body = "";
          response.setEncoding("utf8");
          response.on("data", (text) => (body += text));
          response.on("end", () => {
            clearTimeout(timer);
            finish(`HTTP ${connection.status}: ${body.slice(0, 200)}`);
          });
          return;
        }
        let settled = false;
        response.on("data", (chunk) => {
          onChunk(connection, chunk);
          if (connection.readyAt && !settled) {
            settled = true;
            clearTimeout(timer);
            finish(null);
          }
        });
        response.on("close", () => {
          connection.closed = true;
          clearTimeout(timer);
          finish(connection.readyAt ? null : "closed before ready");
        });
      },
    );
    request.on("error", (error) => {
      connection.closed = true;
      clearTimeout(timer);
      finish(`request failed: ${error.message}`);
    });
    connection.request = request;
  });
}

async function open({ target, streams, concurrency }) {
  let next = 0;
  const worker = async () => {
    while (next < streams.length) {
      const spec = streams[next++];
      await openOne(target, spec);
    }
  };
  const workers = [];
  for (let index = 0; index < Math.min(concurrency, streams.length); index++) {
    workers.push(worker());
  }
  await Promise.all(workers);
  const opened = [];
  const failures = [];
  for (const spec of streams) {
    const connection = connections.get(spec.index);
    if (connection.failure) failures.push([spec.index, connection.failure]);
    else opened.push(connection.readyAt - connection.startedAt);
  }
  return {
    openMs: opened,
    failures: failures.slice(0, 20),
    failed: failures.length,
  };
}

function selected(indices) {
  if (indices === "all") return [...connections.values()];
  return indices.map((index) => connections.get(index)).filter(Boolean);
}

function watch({ indices, watch: spec }) {
  let armed = 0;
  for (const connection of selected(indices)) {
    if (connection.closed) continue;
    if (connection.watch && !connection.arrivedAt) pendingArrivals -= 1;
    connection.arrivedAt = 0;
    connection.watch = {
      kind: spec.kind,
      markers: (spec.markers ?? []).map((marker) => Buffer.from(marker)),
      baseline: connection.notificationsCount ?? 0,
    };
    armed += 1;
    pendingArrivals += 1;
  }
  return { armed };
}

function wait({ timeoutMs }) {
  return new Promise((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      const arrivals = [];
      let missing = 0;
      for (const connection of connections.values()) {
        if (!connection.watch) continue;
        if (connection.arrivedAt) {
          arrivals.push([connection.index, connection.arrivedAt]);
        } else missing += 1;
        connection.watch = null;
      }
      pendingArrivals = 0;
      resolve({ arrivals, missing });
    };
    const checker = () => {
      if (pendingArrivals > 0) return false;
      finish();
      return true;
    };
    const timer = setTimeout(() => {
      waiters = waiters.filter((check) => check !== checker);
      finish();
    }, timeoutMs);
    if (!checker()) waiters.push(checker);
  });
}

function stats() {
  const totals = {
    connections: connections.size,
    ready: 0,
    closed: 0,
    bytes: 0,
    comments: 0,
    presupuestosEvents: 0,
    notificationsEvents: 0,
    maxPresupuestosBytes: 0,
  };
  for (const connection of connections.values()) {
    if (connection.readyAt && !connection.closed) totals.ready += 1;
    if (connection.closed) totals.closed += 1;
    totals.bytes += connection.bytes;
    totals.comments += connection.comments;
    totals.presupuestosEvents += connection.presupuestosEvents;
    totals.notificationsEvents += connection.notificationsEvents;
    totals.maxPresupuestosBytes = Math.max(
      totals.maxPresupuestosBytes,
      connection.maxPresupuestosBytes,
    );
  }
  return totals;
}

function close({ indices }) {
  let closed = 0;
  for (const connection of selected(indices)) {
    if (connection.watch && !connection.arrivedAt) pendingArrivals -= 1;
    const socket = connection.request?.socket;
    // A reset instead of a FIN leaves no TIME_WAIT socket behind, so that
    // large runs do not run out of loopback ports.
    if (socket && !socket.destroyed) socket.resetAndDestroy();
    connection.request?.destroy();
    connections.delete(connection.index);
    closed += 1;
  }
  return { closed };
}

const handlers = { open, watch, wait, stats, close };

process.on("message", async (message) => {
  if (message.type === "exit") {
    close({ indices: "all" });
    process.exit(0);
  }
  const handler = handlers[message.type];
  try {
    if (!handler) throw new Error(`unknown command "${message.type}"`);
    const result = await handler(message.payload ?? {});
    process.send({ id: message.id, ok: true, result });
  } catch (error) {
    process.send({
      id: message.id,
      ok: false,
      error: String(error?.stack ?? error),
    });
  }
});

process.on("disconnect", () => process.exit(0));
const lifetime = Number(process.env.BENCH_MAX_LIFETIME_MS || 0);
if (lifetime > 0) {
  setTimeout(() => {
    process.stderr.write(
      `bench client: max lifetime of ${lifetime} ms reached, exiting\n`,
    );
    process.exit(3);
  }, lifetime).unref();
}
