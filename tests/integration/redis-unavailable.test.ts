import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";

import {
  createScratchDatabase,
  type ScratchDatabase,
} from "../../scripts/scratch-database";
import {
  newPresupuesto,
  request,
  signInAll,
  type Sessions,
} from "../support/api";
import { waitForList, waitForSnapshots } from "../support/events";
import {
  metricsToken,
  newSessionSecret,
  startInstance,
} from "../support/instances";
import { readMetrics, sampleSum } from "../support/prometheus";
import { uniqueChannel } from "../support/redis-clients";
import { freePort, type TestServer } from "../support/server";
import { openStream, type StreamClient } from "../support/sse-client";

// An instance whose REDIS_URL points at a local port where nothing
// listens, as when Redis is down. Mutations must still succeed, because the
// database is the source of truth, and the instance's own streams keep
// getting updates through local delivery. The SIGTERM test stops the
// instance, so it runs last.

type Health = { status: string; database: string; redis: string };

/** SHUTDOWN_TIMEOUT_MS of the instance. */
const shutdownTimeoutMs = 5_000;

let database: ScratchDatabase;
let server: TestServer;
let sessions: Sessions;
const opened: StreamClient[] = [];
const ended = new Set<StreamClient>();

async function openReady(cookie: string): Promise<StreamClient> {
  const stream = await openStream(server.baseUrl, cookie);
  opened.push(stream);
  void stream.closed.then(() => ended.add(stream));
  await waitForSnapshots(stream, true);
  return stream;
}

beforeAll(async () => {
  database = await createScratchDatabase("postgresql", {
    prefix: "auditoria_noredis",
  });
  const closedPort = await freePort();
  server = await startInstance({
    databaseUrl: database.url,
    secret: newSessionSecret(),
    redisUrl: `redis://127.0.0.1:${closedPort}`,
    redisChannel: uniqueChannel("redis-unavailable"),
    prepareDatabase: true,
    env: { SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs) },
  });
  sessions = await signInAll(server.baseUrl);
});

afterEach(async () => {
  const streams = opened.splice(0);
  for (const stream of streams) stream.close();
  await Promise.all(streams.map((stream) => stream.closed));
});

afterAll(async () => {
  await server?.stop();
  await database?.drop();
});

describe("Redis unreachable", () => {
  test("create still returns 201", async () => {
    const response = await request(server.baseUrl, "/api/presupuestos", {
      cookie: sessions.administrativo,
      body: newPresupuesto(),
    });

    expect(response.status).toBe(201);
  });

  test("own streams still get updates", async () => {
    const auditor = await openReady(sessions.auditor);
    const auditor2 = await openReady(sessions.auditor2);
    const starts = [auditor.events.length, auditor2.events.length];

    const response = await request<{ id: string }>(
      server.baseUrl,
      "/api/presupuestos",
      { cookie: sessions.administrativo, body: newPresupuesto() },
    );
    expect(response.status).toBe(201);

    await waitForList(auditor, response.body.id, true, starts[0]!);
    await waitForList(auditor2, response.body.id, true, starts[1]!);
    expect(ended.has(auditor)).toBe(false);
    expect(ended.has(auditor2)).toBe(false);
  });

  test("health reports redis disconnected", async () => {
    const response = await request<Health>(server.baseUrl, "/api/health");

    expect(response.status).toBe(200);
    expect(response.body.status).toBe("ok");
    expect(response.body.database).toBe("ok");
    expect(response.body.redis).toBe("disconnected");
  });

  test("metrics count publish failures", async () => {
    const text = await readMetrics(server, metricsToken);

    expect(sampleSum(text, "bus_publish_failures_total")).toBeGreaterThan(0);
  });

  test("SIGTERM still exits cleanly", async () => {
    const signalledAt = Date.now();
    process.kill(server.pid, "SIGTERM");
    const exit = await Promise.race([
      server.exited,
      new Promise<null>((resolve) =>
        setTimeout(() => resolve(null), shutdownTimeoutMs + 2_000),
      ),
    ]);
    const exitMs = Date.now() - signalledAt;

    // Exit code 1 means that the shutdown deadline fired: releasing the
    // bus or the database did not finish in time.
    expect(exit).toEqual({ code: 0, signal: null });
    expect(exitMs).toBeLessThan(shutdownTimeoutMs);
  });
});
