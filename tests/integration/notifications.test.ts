import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";

import {
  newPresupuesto,
  request,
  signInAll,
  type NotificationPage,
  type Sessions,
} from "../support/api";
import {
  latestCount,
  notificationsData,
  waitForCount,
  waitForSnapshots,
} from "../support/events";
import { openStream, type StreamClient } from "../support/sse-client";
import { startServer, type TestServer } from "../support/server";

// The notification routes: the unread count, marking one or all read (and
// the live count on the stream that follows), and cursor pagination.

let server: TestServer;
let sessions: Sessions;
const openedStreams: StreamClient[] = [];

async function open(cookie: string): Promise<StreamClient> {
  const stream = await openStream(server.baseUrl, cookie);
  openedStreams.push(stream);
  await waitForSnapshots(stream, false);
  return stream;
}

async function listNotifications(cookie: string, query = "limit=100") {
  const response = await request<NotificationPage>(
    server.baseUrl,
    `/api/notificaciones?${query}`,
    { cookie },
  );
  expect(response.status).toBe(200);
  return response.body;
}

async function readCount(cookie: string) {
  return request<{ count: number }>(
    server.baseUrl,
    "/api/notificaciones/count",
    { cookie },
  );
}

async function markRead(cookie: string, id: number) {
  return request<{ count: number }>(
    server.baseUrl,
    `/api/notificaciones/${id}/leer`,
    { cookie, method: "POST" },
  );
}

async function markAllRead(cookie: string) {
  return request<{ marked: number; count: number }>(
    server.baseUrl,
    "/api/notificaciones/leer-todas",
    { cookie, method: "POST" },
  );
}

/** Returns the id of one of the user's unread notifications. */
async function firstUnreadId(cookie: string): Promise<number> {
  const { notifications } = await listNotifications(cookie, "unread=true");
  const id = notifications[0]?.id;
  if (id === undefined) throw new Error("the user has no unread notification");
  return id;
}

beforeAll(async () => {
  server = await startServer();
  sessions = await signInAll(server.baseUrl);
});

afterEach(async () => {
  const streams = openedStreams.splice(0);
  for (const stream of streams) stream.close();
  await Promise.all(streams.map((stream) => stream.closed));
});

afterAll(async () => {
  await server?.stop();
});

describe("GET /api/notificaciones/count", () => {
  test("returns the unread count", async () => {
    const response = await readCount(sessions.auditor);
    const list = await listNotifications(sessions.auditor);
    const unread = list.notifications.filter((item) => item.readAt === null);

    expect(response.status).toBe(200);
    expect(response.body.count).toBe(unread.length);
    expect(response.body.count).toBeGreaterThan(0);
  });

  test("matches the stream count", async () => {
    const stream = await open(sessions.auditor2);

    const response = await readCount(sessions.auditor2);

    expect(latestCount(stream)).toBe(response.body.count);
  });

  test("counts a new presupuesto", async () => {
    const before = await readCount(sessions.auditor2);

    const created = await request(server.baseUrl, "/api/presupuestos", {
      cookie: sessions.administrativo,
      body: newPresupuesto(),
    });

    expect(created.status).toBe(201);
    const after = await readCount(sessions.auditor2);
    expect(after.body.count).toBe(before.body.count + 1);
  });
});

describe("POST /api/notificaciones/{id}/leer", () => {
  test("lowers the count on the stream", async () => {
    const stream = await open(sessions.auditor);
    const count = latestCount(stream);
    const mark = stream.events.length;
    const id = await firstUnreadId(sessions.auditor);

    const response = await markRead(sessions.auditor, id);

    expect(response.status).toBe(200);
    expect(response.body.count).toBe(count - 1);
    const update = await waitForCount(stream, count - 1, mark);
    expect(notificationsData(update).count).toBe(count - 1);
    const rest = await readCount(sessions.auditor);
    expect(rest.body.count).toBe(count - 1);
  });

  test("sets readAt on the notification", async () => {
    const id = await firstUnreadId(sessions.auditor);

    await markRead(sessions.auditor, id);

    const { notifications } = await listNotifications(sessions.auditor);
    const notification = notifications.find((item) => item.id === id);
    expect(notification?.readAt).not.toBeNull();
  });

  test("repeating it changes nothing", async () => {
    const id = await firstUnreadId(sessions.auditor);
    const first = await markRead(sessions.auditor, id);
    const listed = await listNotifications(sessions.auditor);

    const second = await markRead(sessions.auditor, id);

    expect(second.status).toBe(200);
    expect(second.body.count).toBe(first.body.count);
    expect(await listNotifications(sessions.auditor)).toEqual(listed);
  });
});

describe("POST /api/notificaciones/leer-todas", () => {
  test("zeroes the count on the stream", async () => {
    const stream = await open(sessions.administrativo);
    const count = latestCount(stream);
    const mark = stream.events.length;

    const response = await markAllRead(sessions.administrativo);

    expect(count).toBeGreaterThan(0);
    expect(response.status).toBe(200);
    expect(response.body.marked).toBe(count);
    expect(response.body.count).toBe(0);
    const update = await waitForCount(stream, 0, mark);
    expect(notificationsData(update).count).toBe(0);
    const rest = await readCount(sessions.administrativo);
    expect(rest.body.count).toBe(0);
  });

  test("marks nothing when all read", async () => {
    await markAllRead(sessions.administrativo);

    const response = await markAllRead(sessions.administrativo);

    expect(response.status).toBe(200);
    expect(response.body.marked).toBe(0);
    expect(response.body.count).toBe(0);
  });

  test("leaves other users' counts alone", async () => {
    // A decision gives the administrativo an unread notification to mark.
    const created = await request<{ id: string }>(
      server.baseUrl,
      "/api/presupuestos",
      { cookie: sessions.administrativo, body: newPresupuesto() },
    );
    await request(
      server.baseUrl,
      `/api/presupuestos/${created.body.id}/decision`,
      { cookie: sessions.auditor, body: { decision: "APROBADO" } },
    );
    const before = await readCount(sessions.auditor2);

    const response = await markAllRead(sessions.administrativo);

    expect(response.body.marked).toBe(1);
    const after = await readCount(sessions.auditor2);
    expect(after.body.count).toBe(before.body.count);
  });
});

describe("GET /api/notificaciones pagination", () => {
  test("pages follow nextCursor", async () => {
    const all = await listNotifications(sessions.administrativo);
    const collected: number[] = [];
    let cursor: number | null = null;
    let pages = 0;
    do {
      const query: string =
        cursor === null ? "limit=5" : `limit=5&cursor=${cursor}`;
      const page = await listNotifications(sessions.administrativo, query);
      expect(page.notifications.length).toBeLessThanOrEqual(5);
      collected.push(...page.notifications.map((item) => item.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null && pages < 50);

    // The seeded data gives the administrativo 16 notifications.
    expect(all.notifications.length).toBeGreaterThan(5);
    expect(collected).toEqual(all.notifications.map((item) => item.id));
    expect(pages).toBe(Math.ceil(all.notifications.length / 5));
  });

  test("lists newest first", async () => {
    const { notifications } = await listNotifications(sessions.administrativo);
    const ids = notifications.map((item) => item.id);

    expect(ids).toEqual([...ids].sort((a, b) => b - a));
  });

  test("cursor returns older ids only", async () => {
    const first = await listNotifications(sessions.administrativo, "limit=3");
    const cursor = first.nextCursor!;

    const next = await listNotifications(
      sessions.administrativo,
      `limit=3&cursor=${cursor}`,
    );

    expect(cursor).toBe(first.notifications.at(-1)?.id);
    expect(next.notifications.length).toBe(3);
    expect(next.notifications.every((item) => item.id < cursor)).toBe(true);
  });

  test("last page has no cursor", async () => {
    const all = await listNotifications(sessions.administrativo);

    const page = await listNotifications(
      sessions.administrativo,
      `limit=${all.notifications.length}`,
    );

    expect(page.notifications.length).toBe(all.notifications.length);
    expect(page.nextCursor).toBeNull();
  });

  test("unread filter skips read ones", async () => {
    const all = await listNotifications(sessions.auditor2);

    const unread = await listNotifications(sessions.auditor2, "unread=true");

    expect(unread.notifications.length).toBe(all.unread);
    expect(unread.notifications.every((item) => item.readAt === null)).toBe(
      true,
    );
  });
});
