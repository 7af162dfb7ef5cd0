import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";

import {
  createScratchDatabase,
  type ScratchDatabase,
} from "../../scripts/scratch-database";
import {
  newPresupuesto,
  pollUntil,
  request,
  signInAll,
  type Sessions,
} from "../support/api";
import {
  latestCount,
  pendienteIds,
  waitForCount,
  waitForList,
  waitForSnapshots,
} from "../support/events";
import {
  metricsToken,
  newSessionSecret,
  startInstance,
} from "../support/instances";
import { readMetrics, sampleSum } from "../support/prometheus";
import {
  appConnectionNames,
  isSubscriber,
  killClient,
  openTestRedis,
  redisUrl,
  serverClients,
  uniqueChannel,
} from "../support/redis-clients";
import type { TestServer } from "../support/server";
import { openStream, type StreamClient } from "../support/sse-client";

// Two `next start` instances, A and B, share one scratch PostgreSQL
// database and one Redis channel, as behind a load balancer. Changes cross
// instances through Redis exactly once and survive a lost subscriber, and
// malformed messages on the channel are dropped. A SIGTERM drains A while
// B keeps serving; that test stops A, so it runs last.

type Health = {
  status: string;
  redis: string;
  draining: boolean;
  streams: { open: number };
  bus: { subscribers: number };
};

/** Time after an awaited event in which a duplicate would have arrived. */
const settleMs = 600;
/** SHUTDOWN_TIMEOUT_MS of instance A. */
const shutdownTimeoutMs = 5_000;
/** SSE_RETRY_MS of both instances. Drain hints lie in [retry / 4, retry]. */
const retryMs = 2_000;

let database: ScratchDatabase;
let redis: Redis;
/** REDIS_CHANNEL of both instances, unique to this run. */
let channel: string;
let a: TestServer;
let b: TestServer;
let namesBeforeA: Set<string>;
let namesBeforeB: Set<string>;
let sessions: Sessions;
const opened: StreamClient[] = [];
const ended = new Set<StreamClient>();

async function open(
  server: TestServer,
  cookie: string,
  headers: Record<string, string> = {},
): Promise<StreamClient> {
  const stream = await openStream(server.baseUrl, cookie, headers);
  opened.push(stream);
  void stream.closed.then(() => ended.add(stream));
  return stream;
}

async function openReady(
  server: TestServer,
  cookie: string,
  withPresupuestos: boolean,
): Promise<StreamClient> {
  const stream = await open(server, cookie);
  await waitForSnapshots(stream, withPresupuestos);
  return stream;
}

async function createPresupuesto(server: TestServer): Promise<string> {
  const response = await request<{ id: string }>(
    server.baseUrl,
    "/api/presupuestos",
    { cookie: sessions.administrativo, body: newPresupuesto() },
  );
  if (response.status !== 201) {
    throw new Error(
      `POST /api/presupuestos on ${server.baseUrl}: HTTP ${response.status} ${JSON.stringify(response.body)}`,
    );
  }
  return response.body.id;
}

async function readHealth(server: TestServer) {
  return request<Health>(server.baseUrl, "/api/health");
}

/** Counts the `presupuestos` events of `stream` whose list contains `id`. */
function countListsWith(stream: StreamClient, id: string): number {
  return stream.events.filter(
    (event) =>
      event.event === "presupuestos" && pendienteIds(event).includes(id),
  ).length;
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

beforeAll(async () => {
  database = await createScratchDatabase("postgresql", {
    prefix: "auditoria_multi",
  });
  redis = openTestRedis();
  channel = uniqueChannel("multi-instance");
  const secret = newSessionSecret();
  const shared = {
    databaseUrl: database.url,
    secret,
    redisUrl,
    redisChannel: channel,
  };
  const env = {
    SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs),
    SSE_RETRY_MS: String(retryMs),
    // The 100-stream test opens 50 streams per auditor, and
    // SSE_MAX_STREAMS_PER_USER (default 10) would close the oldest.
    SSE_MAX_STREAMS_PER_USER: "100",
  };

  namesBeforeA = await appConnectionNames(redis);
  a = await startInstance({ ...shared, env, prepareDatabase: true });
  namesBeforeB = await appConnectionNames(redis);
  b = await startInstance({ ...shared, env, prepareDatabase: false });
  sessions = await signInAll(a.baseUrl);
});

afterEach(async () => {
  const streams = opened.splice(0);
  for (const stream of streams) stream.close();
  await Promise.all(streams.map((stream) => stream.closed));
});

afterAll(async () => {
  await a?.stop();
  await b?.stop();
  redis?.disconnect();
  await database?.drop();
});

describe("two instances on one bus", () => {
  test("create on A reaches B within 1 s", async () => {
    const auditor = await openReady(b, sessions.auditor, true);
    const from = auditor.events.length;

    const startedAt = Date.now();
    const id = await createPresupuesto(a);
    await waitForList(auditor, id, true, from);
    const latencyMs = Date.now() - startedAt;

    expect(latencyMs).toBeLessThan(1_000);
  });

  test("decision on B notifies creator on A", async () => {
    const id = await createPresupuesto(a);
    const administrativo = await openReady(a, sessions.administrativo, false);
    const before = latestCount(administrativo);
    const from = administrativo.events.length;

    const decision = await request(
      b.baseUrl,
      `/api/presupuestos/${id}/decision`,
      { cookie: sessions.auditor, body: { decision: "APROBADO" } },
    );

    expect(decision.status).toBe(200);
    await waitForCount(administrativo, before + 1, from);
  });

  test("sessions work on both instances", async () => {
    // Both instances sign sessions with the same NEXTAUTH_SECRET, so a
    // cookie from A is accepted by B.
    const response = await request<{ user?: { email?: string } }>(
      b.baseUrl,
      "/api/auth/session",
      { cookie: sessions.auditor },
    );

    expect(response.body.user?.email).toBe("auditor@example.com");
  });
});

describe("delivery exactly once", () => {
  test("one list event per stream", async () => {
    const streams = [
      await openReady(a, sessions.auditor, true),
      await openReady(a, sessions.auditor2, true),
      await openReady(b, sessions.auditor, true),
      await openReady(b, sessions.auditor2, true),
    ];
    const starts = streams.map((stream) => stream.events.length);

    const id = await createPresupuesto(a);
    await Promise.all(
      streams.map((stream, index) =>
        waitForList(stream, id, true, starts[index]!),
      ),
    );
    await sleep(settleMs);

    const counts = streams.map((stream) => countListsWith(stream, id));
    expect(counts).toEqual([1, 1, 1, 1]);
  });

  test("mutation on B counts once", async () => {
    const streams = [
      await openReady(a, sessions.auditor, true),
      await openReady(b, sessions.auditor, true),
    ];
    const starts = streams.map((stream) => stream.events.length);

    const id = await createPresupuesto(b);
    await Promise.all(
      streams.map((stream, index) =>
        waitForList(stream, id, true, starts[index]!),
      ),
    );
    await sleep(settleMs);

    const counts = streams.map((stream) => countListsWith(stream, id));
    expect(counts).toEqual([1, 1]);
  });
});

describe("Redis subscriber killed", () => {
  test("streams resync after reconnection", async () => {
    const streams = [
      await openReady(a, sessions.auditor, true),
      await openReady(a, sessions.auditor2, true),
      await openReady(a, sessions.administrativo, false),
    ];
    const [auditor, auditor2, administrativo] = streams as [
      StreamClient,
      StreamClient,
      StreamClient,
    ];
    const starts = streams.map((stream) => stream.events.length);
    const reconnectsBefore = sampleSum(
      await readMetrics(a, metricsToken),
      "bus_redis_reconnects_total",
    );

    // Kill A's subscriber and create through B at once. The subscriber
    // comes back after about 200 ms (the retry strategy's first delay), so
    // B's message is lost to A only when B published before that. After
    // the POST returned, no subscriber of A in CLIENT LIST proves that it
    // was down at publication. Up to three attempts.
    let lostId: string | undefined;
    for (let attempt = 0; attempt < 3 && lostId === undefined; attempt++) {
      const clients = await pollUntil(
        () => serverClients(redis, a.pid, namesBeforeA),
        (found) => found.some(isSubscriber),
        5_000,
      );
      const subscriber = clients.find(isSubscriber);
      if (!subscriber) throw new Error("instance A has no Redis subscriber");
      await killClient(redis, subscriber);
      const id = await createPresupuesto(b);
      const after = await serverClients(redis, a.pid, namesBeforeA);
      if (!after.some(isSubscriber)) lostId = id;
    }

    expect(lostId).toBeDefined();
    await waitForList(auditor, lostId!, true, starts[0]!);
    await waitForList(auditor2, lostId!, true, starts[1]!);
    // Creating a presupuesto notifies auditors only, so a new snapshot on
    // the administrativo's stream comes from the resync.
    await administrativo.waitFor((event) => event.event === "notifications", {
      from: starts[2]!,
    });
    const reconnectsAfter = sampleSum(
      await readMetrics(a, metricsToken),
      "bus_redis_reconnects_total",
    );
    expect(reconnectsAfter).toBeGreaterThan(reconnectsBefore);
    expect(streams.filter((stream) => ended.has(stream))).toEqual([]);
  });

  test("health returns to redis ok", async () => {
    const health = await pollUntil(
      () => readHealth(a),
      (response) => response.body.redis === "ok",
      5_000,
    );

    expect(health.status).toBe(200);
    expect(health.body.redis).toBe("ok");
  });

  test("only A's clients were targeted", async () => {
    // B's connections, found the same way, must be untouched: B never
    // reconnected.
    const text = await readMetrics(b, metricsToken);
    const clients = await serverClients(redis, b.pid, namesBeforeB);

    expect(sampleSum(text, "bus_redis_reconnects_total")).toBe(0);
    expect(clients.filter(isSubscriber)).toHaveLength(1);
  });
});

describe("Redis publisher killed", () => {
  test("other instance resyncs", async () => {
    const auditor = await openReady(b, sessions.auditor, true);
    const from = auditor.events.length;

    // Kill A's publisher and create through A at once. A failed publish
    // shows in bus_publish_failures_total, and B then receives the change
    // only through the resync that A publishes once its publisher is ready
    // again. Up to three attempts, as for the subscriber.
    let failedId: string | undefined;
    for (let attempt = 0; attempt < 3 && failedId === undefined; attempt++) {
      const failuresBefore = sampleSum(
        await readMetrics(a, metricsToken),
        "bus_publish_failures_total",
      );
      const clients = await pollUntil(
        () => serverClients(redis, a.pid, namesBeforeA),
        (found) => found.some((client) => !isSubscriber(client)),
        5_000,
      );
      const publisher = clients.find((client) => !isSubscriber(client));
      if (!publisher) throw new Error("instance A has no Redis publisher");
      await killClient(redis, publisher);
      const id = await createPresupuesto(a);
      const failuresAfter = sampleSum(
        await readMetrics(a, metricsToken),
        "bus_publish_failures_total",
      );
      if (failuresAfter > failuresBefore) failedId = id;
    }

    expect(failedId).toBeDefined();
    await waitForList(auditor, failedId!, true, from);
    expect(ended.has(auditor)).toBe(false);
  });
});

describe("bad messages on the channel", () => {
  test("are dropped and counted", async () => {
    const auditorA = await openReady(a, sessions.auditor, true);
    const auditorB = await openReady(b, sessions.auditor, true);
    const droppedBefore = [
      sampleSum(
        await readMetrics(a, metricsToken),
        "bus_messages_dropped_total",
      ),
      sampleSum(
        await readMetrics(b, metricsToken),
        "bus_messages_dropped_total",
      ),
    ];

    await redis.publish(channel, "not json");
    await redis.publish(
      channel,
      JSON.stringify({ event: "presupuestos", payload: { id: 1 } }),
    );
    await redis.publish(
      channel,
      JSON.stringify({ origin: "other-app", message: { type: "delete_all" } }),
    );

    const droppedAfter = [];
    for (const server of [a, b]) {
      const text = await pollUntil(
        () => readMetrics(server, metricsToken),
        (metrics) =>
          sampleSum(metrics, "bus_messages_dropped_total") >=
          droppedBefore[droppedAfter.length]! + 3,
        3_000,
      );
      droppedAfter.push(sampleSum(text, "bus_messages_dropped_total"));
    }
    expect(droppedAfter[0]! - droppedBefore[0]!).toBe(3);
    expect(droppedAfter[1]! - droppedBefore[1]!).toBe(3);

    const healthA = await readHealth(a);
    const healthB = await readHealth(b);
    expect(healthA.status).toBe(200);
    expect(healthB.status).toBe(200);

    const starts = [auditorA.events.length, auditorB.events.length];
    const id = await createPresupuesto(a);
    await waitForList(auditorA, id, true, starts[0]!);
    await waitForList(auditorB, id, true, starts[1]!);
    expect(ended.has(auditorA)).toBe(false);
    expect(ended.has(auditorB)).toBe(false);
  });
});

describe("100 streams on one instance", () => {
  test("share two Redis connections", { timeout: 90_000 }, async () => {
    const cookies = [sessions.auditor, sessions.auditor2];
    const streams = await Promise.all(
      Array.from({ length: 100 }, (_, index) => open(b, cookies[index % 2]!)),
    );
    await Promise.all(streams.map((stream) => waitForSnapshots(stream, true)));
    const starts = streams.map((stream) => stream.events.length);

    // Streams of earlier tests may still be closing on the server.
    const health = await pollUntil(
      () => readHealth(b),
      (response) => response.body.streams.open === 100,
    );
    const clients = await serverClients(redis, b.pid, namesBeforeB);
    const names = new Set(clients.map((client) => client.name));

    expect(health.body.streams.open).toBe(100);
    expect(health.body.bus.subscribers).toBe(1);
    expect(clients.length).toBeLessThanOrEqual(2);
    expect(names.size).toBe(1);

    const id = await createPresupuesto(a);
    await Promise.all(
      streams.map((stream, index) =>
        waitForList(stream, id, true, starts[index]!),
      ),
    );
    await sleep(settleMs);

    const counts = streams.map((stream) => countListsWith(stream, id));
    expect(counts.filter((count) => count !== 1)).toEqual([]);
    expect(b.output()).not.toContain("MaxListenersExceededWarning");
  });
});

describe("SIGTERM on instance A", () => {
  test("drains A and B takes over", async () => {
    const streams = [
      await openReady(a, sessions.auditor, true),
      await openReady(a, sessions.administrativo, false),
    ];
    const lastEventId = streams[0]!.events.at(-1)!.id;

    const signalledAt = Date.now();
    process.kill(a.pid, "SIGTERM");
    // A returns 503 from the signal until it exits about 1 s later. A null
    // response means that A stopped listening before a 503 was seen.
    const draining = await pollUntil(
      () => readHealth(a).catch(() => null),
      (response) => response === null || response.status === 503,
      2_000,
    );
    await Promise.all(streams.map((stream) => stream.closed));
    const exit = await Promise.race([
      a.exited,
      sleep(shutdownTimeoutMs + 2_000).then(() => null),
    ]);
    const exitMs = Date.now() - signalledAt;

    expect(draining?.status).toBe(503);
    expect(draining?.body.draining).toBe(true);
    for (const stream of streams) {
      expect(stream.text()).toMatch(/retry: \d+\n\n$/);
      const hint = stream.retries.at(-1)!;
      expect(hint).toBeGreaterThanOrEqual(Math.round(retryMs / 4));
      expect(hint).toBeLessThanOrEqual(retryMs);
    }
    expect(exit).toEqual({ code: 0, signal: null });
    expect(exitMs).toBeLessThan(shutdownTimeoutMs);

    // The client reconnects to B, as a load balancer would route it, and
    // gets a snapshot made after A went down.
    const id = await createPresupuesto(b);
    const reconnected = await open(b, sessions.auditor, {
      "Last-Event-ID": lastEventId,
    });
    const snapshot = await reconnected.waitFor(
      (event) => event.event === "presupuestos",
      { from: 0 },
    );
    expect(pendienteIds(snapshot)).toContain(id);
  });
});
