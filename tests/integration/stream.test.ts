import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";

import {
  newPresupuesto,
  pollUntil,
  request,
  sessionUserId,
  signInAll,
  type Sessions,
} from "../support/api";
import {
  eventBlocks,
  firstOutOfOrder,
  latestCount,
  latestEvent,
  notificationsData,
  pendienteFields,
  pendienteIds,
  presupuestosData,
  waitForCount,
  waitForList,
  waitForSnapshots,
} from "../support/events";
import { demoAccounts, signIn } from "../support/auth";
import { openStream, type StreamClient } from "../support/sse-client";
import { startServer, type TestServer } from "../support/server";

// The event stream at GET /api/stream/updates: who may open it, its headers
// and framing, the opening snapshots, and how updates fan out to every
// stream of a user.

type Health = { streams: { open: number }; bus: { subscribers: number } };

let server: TestServer;
let sessions: Sessions;
const openedStreams: StreamClient[] = [];

async function open(
  cookie: string,
  headers: Record<string, string> = {},
  target: TestServer = server,
): Promise<StreamClient> {
  const stream = await openStream(target.baseUrl, cookie, headers);
  openedStreams.push(stream);
  return stream;
}

async function closeAll(streams: StreamClient[]): Promise<void> {
  for (const stream of streams) stream.close();
  await Promise.all(streams.map((stream) => stream.closed));
}

async function createPresupuesto(overrides: Record<string, unknown> = {}) {
  const response = await request<{ id: string; numero: string }>(
    server.baseUrl,
    "/api/presupuestos",
    { cookie: sessions.administrativo, body: newPresupuesto(overrides) },
  );
  expect(response.status).toBe(201);
  return response.body;
}

async function decide(cookie: string, id: string) {
  const response = await request(
    server.baseUrl,
    `/api/presupuestos/${id}/decision`,
    { cookie, body: { decision: "APROBADO" } },
  );
  expect(response.status).toBe(200);
}

async function readHealth(target: TestServer = server): Promise<Health> {
  return (await request<Health>(target.baseUrl, "/api/health")).body;
}

beforeAll(async () => {
  server = await startServer();
  sessions = await signInAll(server.baseUrl);
});

afterEach(async () => {
  await closeAll(openedStreams.splice(0));
});

afterAll(async () => {
  await server?.stop();
});

describe("stream without session", () => {
  test("returns 401 JSON error", async () => {
    const response = await fetch(`${server.baseUrl}/api/stream/updates`, {
      headers: { Accept: "text/event-stream" },
    });
    // Reading the whole body proves that the response ended.
    const body = await response.json();

    expect(response.status).toBe(401);
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(body.error.code).toBe("unauthenticated");
    expect(typeof body.error.message).toBe("string");
    expect(Object.keys(body)).toEqual(["error"]);
  });

  test("rejects forged session cookie", async () => {
    const response = await fetch(`${server.baseUrl}/api/stream/updates`, {
      headers: {
        Accept: "text/event-stream",
        Cookie: "next-auth.session-token=forged",
      },
    });
    const body = await response.json();

    expect(response.status).toBe(401);
    expect(response.headers.get("Content-Type")).not.toMatch(/event-stream/);
    expect(body.error.code).toBe("unauthenticated");
  });
});

describe("stream headers", () => {
  test("are exactly the SSE set", async () => {
    // A browser on another site would send Origin, and most clients offer
    // gzip. Neither may change the response.
    const stream = await open(sessions.auditor, {
      "Accept-Encoding": "gzip",
      Origin: "http://evil.example",
    });

    expect(stream.status).toBe(200);
    expect(stream.headers.get("Content-Type")).toBe(
      "text/event-stream; charset=utf-8",
    );
    expect(stream.headers.get("Cache-Control")).toBe("no-cache, no-transform");
    expect(stream.headers.get("Connection")).toBe("keep-alive");
    expect(stream.headers.get("X-Accel-Buffering")).toBe("no");
    expect(stream.headers.get("Access-Control-Allow-Origin")).toBeNull();
    expect(stream.headers.get("Content-Encoding")).toBeNull();
  });
});

describe("stream opening snapshots", () => {
  test("starts with retry field", async () => {
    const stream = await open(sessions.auditor);
    await waitForSnapshots(stream, true);

    expect(stream.text()).toMatch(/^retry: \d+\n\n/);
  });

  test("auditor gets notifications then presupuestos", async () => {
    const stream = await open(sessions.auditor);
    await waitForSnapshots(stream, true);

    expect(stream.events[0]?.event).toBe("notifications");
    expect(stream.events[1]?.event).toBe("presupuestos");
  });

  test("notifications count matches REST", async () => {
    const stream = await open(sessions.auditor);
    await waitForSnapshots(stream, true);
    const rest = await request<{ count: number }>(
      server.baseUrl,
      "/api/notificaciones/count",
      { cookie: sessions.auditor },
    );

    expect(notificationsData(stream.events[0]!).count).toBe(rest.body.count);
  });

  test("pendientes items have documented fields", async () => {
    const stream = await open(sessions.auditor);
    await waitForSnapshots(stream, true);
    const { pendientes } = presupuestosData(
      latestEvent(stream, "presupuestos"),
    );

    expect(pendientes.length).toBeGreaterThan(0);
    for (const item of pendientes) {
      expect(Object.keys(item).sort()).toEqual(pendienteFields);
    }
  });

  test("pendientes sorted urgent then oldest", async () => {
    const stream = await open(sessions.auditor);
    await waitForSnapshots(stream, true);
    const { pendientes } = presupuestosData(
      latestEvent(stream, "presupuestos"),
    );

    expect(pendientes.some((item) => item.urgente)).toBe(true);
    expect(firstOutOfOrder(pendientes)).toBe(-1);
  });

  test("pendientes match the REST route", async () => {
    const stream = await open(sessions.auditor);
    await waitForSnapshots(stream, true);
    const snapshot = presupuestosData(latestEvent(stream, "presupuestos"));
    const rest = await request<{ pendientes: { id: string }[]; total: number }>(
      server.baseUrl,
      "/api/v2/presupuestos/auditor/pendientes",
      { cookie: sessions.auditor },
    );

    expect(snapshot.pendientes.map((item) => item.id)).toEqual(
      rest.body.pendientes.map((item) => item.id),
    );
    expect(snapshot.total).toBe(rest.body.total);
  });

  test("auditor sees pool and own", async () => {
    const auditorId = await sessionUserId(server.baseUrl, sessions.auditor);
    const stream = await open(sessions.auditor);
    await waitForSnapshots(stream, true);
    const { pendientes } = presupuestosData(
      latestEvent(stream, "presupuestos"),
    );
    const owners = new Set(pendientes.map((item) => item.auditorId));

    // The seeded data assigns one pending presupuesto to this auditor and
    // two to the other one.
    expect(owners).toEqual(new Set([null, auditorId]));
  });

  test("administrativo gets notifications only", async () => {
    const stream = await open(sessions.administrativo);
    await waitForSnapshots(stream, false);

    expect(stream.events.map((event) => event.event)).toEqual([
      "notifications",
    ]);
  });
});

describe("stream updates", () => {
  test("created presupuesto reaches auditor stream", async () => {
    const stream = await open(sessions.auditor);
    await waitForSnapshots(stream, true);
    const mark = stream.events.length;

    const created = await createPresupuesto({ monto: 350000.5, urgente: true });

    const update = await waitForList(stream, created.id, true, mark);
    const item = presupuestosData(update).pendientes.find(
      (pendiente) => pendiente.id === created.id,
    );
    expect(item?.monto).toBe(350000.5);
    expect(item?.urgente).toBe(true);
  });

  test("administrativo never gets presupuestos", async () => {
    const loader = await open(sessions.administrativo);
    const auditor = await open(sessions.auditor);
    await waitForSnapshots(loader, false);
    await waitForSnapshots(auditor, true);
    const loaderMark = loader.events.length;
    const auditorMark = auditor.events.length;
    const loaderCount = latestCount(loader);

    const created = await createPresupuesto();
    await waitForList(auditor, created.id, true, auditorMark);
    await decide(sessions.auditor, created.id);
    // The hub writes every user's notifications before the auditors'
    // lists in one flush, so once the auditor has the new list the loader
    // has been sent everything that flush had for it.
    await waitForList(auditor, created.id, false, auditorMark);
    await waitForCount(loader, loaderCount + 1, loaderMark);

    const names = loader.events.map((event) => event.event);
    expect(names).not.toContain("presupuestos");
  });

  // The id carries the notification cursor that a reconnection resumes
  // from. A pending list carries none, so that its bytes are the same for
  // every auditor, and the stream's last event id stays the cursor.
  test("only notification events carry ids", async () => {
    const auditor = await open(sessions.auditor);
    const loader = await open(sessions.administrativo);
    await waitForSnapshots(auditor, true);
    await waitForSnapshots(loader, false);
    const auditorMark = auditor.events.length;
    const loaderMark = loader.events.length;
    const loaderCount = latestCount(loader);

    const created = await createPresupuesto();
    await waitForList(auditor, created.id, true, auditorMark);
    await decide(sessions.auditor2, created.id);
    await waitForList(auditor, created.id, false, auditorMark);
    await waitForCount(loader, loaderCount + 1, loaderMark);

    const blocks = [
      ...eventBlocks(auditor.text()),
      ...eventBlocks(loader.text()),
    ];
    // Three opening snapshots and at least three updates.
    expect(blocks.length).toBeGreaterThanOrEqual(6);
    for (const block of blocks) {
      if (block.includes("event: presupuestos\n")) {
        expect(block).not.toMatch(/^id:/m);
      } else {
        expect(block).toMatch(/^id: \d+-\d+$/m);
      }
    }
    for (const event of [...auditor.events, ...loader.events]) {
      expect(event.id).toMatch(/^\d+-\d+$/);
    }
  });

  test("three streams of one user", async () => {
    const streams = [
      await open(sessions.auditor),
      await open(sessions.auditor),
      await open(sessions.auditor),
    ];
    for (const stream of streams) await waitForSnapshots(stream, true);
    const marks = streams.map((stream) => stream.events.length);
    const count = latestCount(streams[0]!);

    const created = await createPresupuesto();

    for (const [index, stream] of streams.entries()) {
      const list = await waitForList(stream, created.id, true, marks[index]!);
      expect(pendienteIds(list)).toContain(created.id);
      const unread = await waitForCount(stream, count + 1, marks[index]!);
      expect(notificationsData(unread).count).toBe(count + 1);
    }

    await decide(sessions.auditor2, created.id);

    for (const [index, stream] of streams.entries()) {
      const list = await waitForList(stream, created.id, false, marks[index]!);
      expect(pendienteIds(list)).not.toContain(created.id);
    }
  });
});

describe("stream cleanup", () => {
  test("health returns to zero streams", async () => {
    const streams = [
      await open(sessions.auditor),
      await open(sessions.auditor2),
      await open(sessions.administrativo),
    ];
    for (const stream of streams) {
      await stream.waitFor((event) => event.event === "notifications", {
        from: 0,
      });
    }
    const whileOpen = await pollUntil(
      readHealth,
      (health) => health.streams.open === 3,
    );
    expect(whileOpen.streams.open).toBe(3);
    expect(whileOpen.bus.subscribers).toBe(1);

    await closeAll(streams);

    const closed = await pollUntil(
      readHealth,
      (health) => health.streams.open === 0,
    );
    expect(closed.streams.open).toBe(0);
    expect(closed.bus.subscribers).toBe(0);
  });
});

describe("stream heartbeat", () => {
  let fastServer: TestServer;

  beforeAll(async () => {
    fastServer = await startServer({ env: { SSE_HEARTBEAT_MS: "200" } });
  });

  afterAll(async () => {
    await fastServer?.stop();
  });

  test("sends ping comments when idle", async () => {
    const cookie = await signIn(
      fastServer.baseUrl,
      demoAccounts.administrativo,
    );
    const stream = await open(cookie, {}, fastServer);
    await waitForSnapshots(stream, false);

    await pollUntil(
      async () => stream.comments.length,
      (count) => count >= 2,
    );

    expect(stream.comments.length).toBeGreaterThanOrEqual(2);
    expect(new Set(stream.comments)).toEqual(new Set(["ping"]));
    expect(stream.text()).toContain("\n: ping\n\n");
  });
});
