import { afterAll, beforeAll, describe, expect, test } from "vitest";

import packageJson from "../../package.json";
import {
  createScratchDatabase,
  type ScratchDatabase,
} from "../../scripts/scratch-database";
import { pollUntil, request, signInAll, type Sessions } from "../support/api";
import { waitForSnapshots } from "../support/events";
import {
  metricsToken,
  newSessionSecret,
  startInstance,
} from "../support/instances";
import { readMetrics, sampleSum } from "../support/prometheus";
import { redisUrl, uniqueChannel } from "../support/redis-clients";
import type { TestServer } from "../support/server";
import { openStream } from "../support/sse-client";

// GET /api/metrics access rules and contents, and GET /api/health on
// PostgreSQL with the Redis bus. The last test drops the instance's
// database, so it runs last.

type Health = {
  status: string;
  version: string;
  database: string;
  redis: string;
  draining: boolean;
};

const expectedMetrics = [
  "sse_streams_open",
  "sse_events_sent_total",
  "bus_publish_failures_total",
  "bus_redis_reconnects_total",
  "sse_stream_duration_seconds",
];

let database: ScratchDatabase;
let server: TestServer;
let sessions: Sessions;

function getMetrics(headers: Record<string, string> = {}) {
  return request<string>(server.baseUrl, "/api/metrics", { headers });
}

beforeAll(async () => {
  database = await createScratchDatabase("postgresql", {
    prefix: "auditoria_ops",
  });
  server = await startInstance({
    databaseUrl: database.url,
    secret: newSessionSecret(),
    redisUrl,
    redisChannel: uniqueChannel("metrics-health"),
    prepareDatabase: true,
  });
  sessions = await signInAll(server.baseUrl);
});

afterAll(async () => {
  await server?.stop();
  await database?.drop();
});

describe("GET /api/metrics", () => {
  test("returns 401 without credentials", async () => {
    const response = await getMetrics();

    expect(response.status).toBe(401);
  });

  test("returns 403 for wrong token", async () => {
    const response = await getMetrics({
      Authorization: `Bearer ${metricsToken}-wrong`,
    });

    expect(response.status).toBe(403);
  });

  test("returns 403 for non-admin sessions", async () => {
    const administrativo = await getMetrics({
      Cookie: sessions.administrativo,
    });
    const auditor = await getMetrics({ Cookie: sessions.auditor });

    expect(administrativo.status).toBe(403);
    expect(auditor.status).toBe(403);
  });

  test("returns 200 with the token", async () => {
    const response = await getMetrics({
      Authorization: `Bearer ${metricsToken}`,
    });

    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toMatch(/^text\/plain/);
    for (const name of expectedMetrics) {
      expect(response.body).toContain(`# TYPE ${name} `);
    }
  });

  test("returns 200 for admin session", async () => {
    const response = await getMetrics({ Cookie: sessions.admin });

    expect(response.status).toBe(200);
    for (const name of expectedMetrics) {
      expect(response.body).toContain(`# TYPE ${name} `);
    }
  });

  test("counts an open stream", async () => {
    const stream = await openStream(server.baseUrl, sessions.auditor);
    await waitForSnapshots(stream, true);
    const open = sampleSum(
      await readMetrics(server, metricsToken),
      "sse_streams_open",
    );
    stream.close();
    await stream.closed;
    const closed = await pollUntil(
      () => readMetrics(server, metricsToken),
      (text) => sampleSum(text, "sse_streams_open") === 0,
    );

    expect(open).toBe(1);
    expect(sampleSum(closed, "sse_events_sent_total")).toBeGreaterThanOrEqual(
      2,
    );
    expect(sampleSum(closed, "sse_streams_open")).toBe(0);
    expect(
      sampleSum(closed, "sse_stream_duration_seconds_count"),
    ).toBeGreaterThanOrEqual(1);
  });
});

describe("GET /api/health", () => {
  test("returns 200 with database ok", async () => {
    const response = await request<Health>(server.baseUrl, "/api/health");

    expect(response.status).toBe(200);
    expect(response.body.status).toBe("ok");
    expect(response.body.database).toBe("ok");
    expect(response.body.redis).toBe("ok");
    expect(response.body.version).toBe(packageJson.version);
    expect(response.body.draining).toBe(false);
  });

  test("returns 503 without database", async () => {
    await database.drop();

    const response = await pollUntil(
      () => request<Health>(server.baseUrl, "/api/health"),
      (health) => health.status !== 200,
      5_000,
    );

    expect(response.status).toBe(503);
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(response.body.status).toBe("unavailable");
    expect(response.body.database).toBe("unreachable");
    expect(server.process.exitCode).toBeNull();
  });
});
