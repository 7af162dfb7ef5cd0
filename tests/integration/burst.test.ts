import { readFileSync } from "node:fs";

import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";

import { newPresupuesto, pollUntil, request } from "../support/api";
import { demoAccounts, signIn } from "../support/auth";
import {
  pendienteIds,
  presupuestosData,
  waitForSnapshots,
} from "../support/events";
import { readHealth } from "../support/health";
import { metricsToken } from "../support/instances";
import { readMetrics, sampleValue } from "../support/prometheus";
import { openRawStream } from "../support/raw-stream";
import { startServer, type TestServer } from "../support/server";
import {
  insertPendientes,
  insertUsers,
  openServerDatabase,
} from "../support/server-database";
import { openStream, type StreamClient } from "../support/sse-client";
import { sleep } from "../support/timing";

// The stream hub under load. A burst of changes reaches every auditor as a
// few coalesced snapshots, each read once for all auditors. A client that
// stops reading is cut off before its queue grows the server's memory.

const openedStreams: StreamClient[] = [];

afterEach(async () => {
  const streams = openedStreams.splice(0);
  for (const stream of streams) stream.close();
  await Promise.all(streams.map((stream) => stream.closed));
});

/** Reads the resident set size of process `pid` in bytes from /proc (Linux). */
function residentBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS line in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

/**
 * Sends `count` POST /api/presupuestos requests, `concurrency` at a time,
 * and returns how long the burst took, from the first request to the last
 * response, in milliseconds.
 */
async function createBurst(
  server: TestServer,
  cookie: string,
  count: number,
  concurrency: number,
): Promise<number> {
  let sent = 0;
  const statuses: number[] = [];
  const startedAt = Date.now();
  const worker = async () => {
    while (sent < count) {
      sent++;
      const response = await request(server.baseUrl, "/api/presupuestos", {
        cookie,
        body: newPresupuesto(),
      });
      statuses.push(response.status);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const durationMs = Date.now() - startedAt;
  const failed = statuses.filter((status) => status !== 201);
  if (failed.length > 0) {
    throw new Error(`burst requests failed: HTTP ${failed.join(", ")}`);
  }
  return durationMs;
}

/**
 * Waits until no stream has received a `presupuestos` event for `quietMs`,
 * for at most `timeoutMs`.
 */
async function waitForQuiet(
  streams: StreamClient[],
  quietMs: number,
  timeoutMs: number,
): Promise<void> {
  const countEvents = () =>
    streams.reduce(
      (sum, stream) =>
        sum +
        stream.events.filter((event) => event.event === "presupuestos").length,
      0,
    );
  const deadline = Date.now() + timeoutMs;
  let seen = countEvents();
  while (Date.now() < deadline) {
    await sleep(quietMs);
    const now = countEvents();
    if (now === seen) return;
    seen = now;
  }
  throw new Error(`presupuestos events still arriving after ${timeoutMs} ms`);
}

describe("burst of changes", () => {
  const coalesceMs = 100;
  const burstSize = 100;
  let server: TestServer;
  let loader: string;
  /** Cookies of eight auditors: the two demo ones and six more. */
  let auditors: string[];

  beforeAll(async () => {
    server = await startServer({
      env: {
        METRICS_TOKEN: metricsToken,
        SSE_COALESCE_MS: String(coalesceMs),
      },
    });
    const db = openServerDatabase(server.dataDir);
    const extra = await insertUsers(db, "auditor_medico", 6, "burst-auditor");
    await db.$disconnect();
    const emails = [demoAccounts.auditor, demoAccounts.auditor2, ...extra];
    auditors = await Promise.all(
      emails.map((email) => signIn(server.baseUrl, email)),
    );
    loader = await signIn(server.baseUrl, demoAccounts.administrativo);
    // Loads the creation route's code, so that the first burst is not
    // slowed down by it.
    await createBurst(server, loader, 5, 1);
  });

  afterAll(async () => {
    await server?.stop();
  });

  async function readPresupuestosReads(): Promise<number> {
    const text = await readMetrics(server, metricsToken);
    return sampleValue(text, "sse_snapshots_read_total", {
      kind: "presupuestos",
    });
  }

  test.each([{ connected: 2 }, { connected: 8 }])(
    "burst to $connected auditors",
    async ({ connected }) => {
      const cookies = auditors.slice(0, connected);
      const streams: StreamClient[] = [];
      for (const cookie of cookies) {
        const stream = await openStream(server.baseUrl, cookie);
        openedStreams.push(stream);
        streams.push(stream);
      }
      for (const stream of streams) await waitForSnapshots(stream, true);
      const marks = streams.map((stream) => stream.events.length);
      const readsBefore = await readPresupuestosReads();

      const durationMs = await createBurst(server, loader, burstSize, 4);
      await waitForQuiet(streams, 4 * coalesceMs, 20_000);
      const reads = (await readPresupuestosReads()) - readsBefore;

      const updates = streams.map((stream, index) =>
        stream.events
          .slice(marks[index])
          .filter((event) => event.event === "presupuestos"),
      );
      const finals = updates.map((events) => {
        const last = events.at(-1);
        return last
          ? { ids: pendienteIds(last), total: presupuestosData(last).total }
          : null;
      });
      const expected = await Promise.all(
        cookies.map(async (cookie) => {
          const response = await request<{
            pendientes: { id: string }[];
            total: number;
          }>(server.baseUrl, "/api/v2/presupuestos/auditor/pendientes", {
            cookie,
          });
          return {
            ids: response.body.pendientes.map((item) => item.id),
            total: response.body.total,
          };
        }),
      );
      // Flush timers fire at least SSE_COALESCE_MS apart, so a stream gets
      // one update at the first change, at most one per window during the
      // burst and a trailing one.
      const maxUpdates = Math.floor(durationMs / coalesceMs) + 2;
      const counts = updates.map((events) => events.length);
      const context =
        `burst of ${burstSize} in ${durationMs} ms, updates per stream ` +
        `${counts.join(" ")}, snapshot reads ${reads}`;

      expect(finals).toEqual(expected);
      expect(Math.max(...counts), context).toBeLessThanOrEqual(maxUpdates);
      // One read per flush serves every stream. A read per auditor would
      // make this `connected` times the updates of each stream.
      expect(reads, context).toBeLessThanOrEqual(Math.max(...counts));
      expect(reads).toBeGreaterThan(0);
    },
    60_000,
  );
});

describe("slow reader", () => {
  const maxBufferBytes = 65_536;
  /** Bound on the server's RSS growth while the test keeps pushing. */
  const maxGrowthBytes = 64 * 1024 * 1024;
  const pushes = 150;
  let server: TestServer;
  let auditor: string;
  let loader: string;

  beforeAll(async () => {
    server = await startServer({
      env: {
        SSE_MAX_BUFFER_BYTES: String(maxBufferBytes),
        SSE_STALL_TIMEOUT_MS: "2000",
        PENDIENTES_LIMIT: "5000",
      },
    });
    // 800 items of about 1.4 kB each make a presupuestos snapshot of about
    // 1.1 MB, sixteen times the stream's buffer, so that a few pushes fill
    // the kernel's socket buffers and then the stream's queue.
    const db = openServerDatabase(server.dataDir);
    await insertPendientes(db, 800, {
      numeroPrefix: "P-1999-SLOW",
      descripcion: "Prótesis de cadera. ".repeat(60),
    });
    await db.$disconnect();
    auditor = await signIn(server.baseUrl, demoAccounts.auditor);
    loader = await signIn(server.baseUrl, demoAccounts.administrativo);
  });

  afterAll(async () => {
    await server?.stop();
  });

  test("paused client is cut off", async () => {
    // Loads the creation route's code before the first RSS reading.
    await createBurst(server, loader, 5, 1);
    const slow = await openRawStream(server.baseUrl, auditor, {
      paused: true,
    });
    const opened = await pollUntil(
      () => readHealth(server.baseUrl),
      (value) => value.streams.open === 1,
    );
    const rssBefore = residentBytes(server.pid);

    // Had the stream stayed open, each push would have queued another
    // snapshot for it, and 150 of them exceed twice maxGrowthBytes.
    const pushStartedAt = Date.now();
    for (let index = 0; index < pushes; index++) {
      await createBurst(server, loader, 1, 1);
      if (Date.now() - pushStartedAt > 40_000) break;
    }
    const afterPushes = await pollUntil(
      () => readHealth(server.baseUrl),
      (value) => value.streams.open === 0,
      10_000,
    );
    const rssAfter = residentBytes(server.pid);
    slow.socket.destroy();

    expect(opened.streams.open).toBe(1);
    expect(afterPushes.streams.open).toBe(0);
    expect(server.output()).toContain('"reason":"slow_reader"');
    expect(rssAfter - rssBefore).toBeLessThan(maxGrowthBytes);
  }, 90_000);
});
