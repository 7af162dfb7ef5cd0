import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";

import {
  newPresupuesto,
  request,
  signInAll,
  type NotificationPage,
  type Sessions,
} from "../support/api";
import { notificationsData, waitForSnapshots } from "../support/events";
import { startServer, type TestServer } from "../support/server";
import { openStream, type StreamClient } from "../support/sse-client";
import { sleep } from "../support/timing";

// Resuming a stream with Last-Event-ID. The notifications created while
// the client was away come first, once each and oldest first, and then the
// snapshots, also from a new server process on the same database. An id
// that is malformed, unknown or another user's is ignored, so the stream
// starts with fresh snapshots only.

/** Time after the snapshots in which a duplicate event would have arrived. */
const settleMs = 300;

type NotificationDto = {
  id: number;
  type: string;
  title: string;
  message: string;
  link: string | null;
  readAt: string | null;
  createdAt: string;
};

let dataDir: string;
let server: TestServer;
let sessions: Sessions;
const openedStreams: StreamClient[] = [];

async function open(
  cookie: string,
  headers: Record<string, string> = {},
): Promise<StreamClient> {
  const stream = await openStream(server.baseUrl, cookie, headers);
  openedStreams.push(stream);
  return stream;
}

async function closeStream(stream: StreamClient): Promise<void> {
  stream.close();
  await stream.closed;
}

/** Creates a presupuesto as the administrativo, which notifies auditors. */
async function createPresupuesto(): Promise<{ id: string; numero: string }> {
  const response = await request<{ id: string; numero: string }>(
    server.baseUrl,
    "/api/presupuestos",
    { cookie: sessions.administrativo, body: newPresupuesto() },
  );
  expect(response.status).toBe(201);
  return response.body;
}

/** Approves a presupuesto as the auditor, which notifies the administrativo. */
async function approve(id: string): Promise<void> {
  const response = await request(
    server.baseUrl,
    `/api/presupuestos/${id}/decision`,
    { cookie: sessions.auditor, body: { decision: "APROBADO" } },
  );
  expect(response.status).toBe(200);
}

/** Returns the user's `limit` newest notifications, oldest first. */
async function newestNotifications(
  cookie: string,
  limit: number,
): Promise<NotificationDto[]> {
  const response = await request<NotificationPage>(
    server.baseUrl,
    `/api/notificaciones?limit=${limit}`,
    { cookie },
  );
  expect(response.status).toBe(200);
  return (response.body.notifications as NotificationDto[]).reverse();
}

/** Returns the notification cursor of an event id "<cursor>-<version>". */
function cursorOf(eventId: string): string {
  return eventId.split("-")[0]!;
}

beforeAll(async () => {
  // The restart test starts a second server on this folder, so the first
  // server must not delete it when it stops.
  dataDir = mkdtempSync(path.join(tmpdir(), "auditoria-resume-"));
  server = await startServer({ dataDir, prepareDatabase: true });
  sessions = await signInAll(server.baseUrl);
});

afterEach(async () => {
  await Promise.all(openedStreams.splice(0).map(closeStream));
});

afterAll(async () => {
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe("resume with Last-Event-ID", () => {
  test.each([
    { where: "same server", restart: false },
    { where: "restarted server", restart: true },
  ])(
    "replays missed notifications on $where",
    async ({ restart }) => {
      const loader = sessions.administrativo;
      const created = [
        await createPresupuesto(),
        await createPresupuesto(),
        await createPresupuesto(),
      ];
      const before = await open(loader);
      await waitForSnapshots(before, false);
      const lastEvent = before.events.at(-1)!;
      await closeStream(before);

      for (const item of created) await approve(item.id);
      if (restart) {
        await server.stop();
        server = await startServer({ dataDir });
      }
      const resumed = await open(loader, { "Last-Event-ID": lastEvent.id });
      await waitForSnapshots(resumed, false);
      await sleep(settleMs);
      const missed = await newestNotifications(loader, created.length);
      const replayed = resumed.events.filter(
        (event) => event.event === "notification",
      );
      const snapshot = resumed.events.at(-1)!;

      expect(resumed.events.map((event) => event.event)).toEqual([
        "notification",
        "notification",
        "notification",
        "notifications",
      ]);
      expect(replayed.map((event) => JSON.parse(event.data))).toEqual(missed);
      expect(missed.map((item) => item.title)).toEqual(
        created.map((item) => expect.stringContaining(item.numero)),
      );
      expect(replayed.map((event) => cursorOf(event.id))).toEqual(
        missed.map((item) => String(item.id)),
      );
      expect(cursorOf(snapshot.id)).toBe(String(missed.at(-1)!.id));
      expect(notificationsData(snapshot).version).toBeGreaterThan(
        notificationsData(lastEvent).version,
      );
    },
    60_000,
  );
});

describe("ignored Last-Event-ID", () => {
  /** An event id whose cursor is one of the auditor's notifications. */
  let foreignEventId: string;

  beforeAll(async () => {
    // The creation notifies the auditor, and the approval then notifies
    // the administrativo with a higher id. Had the auditor's id been taken
    // as the administrativo's cursor, that newer notification would be
    // replayed.
    const item = await createPresupuesto();
    const [auditorNewest] = await newestNotifications(sessions.auditor, 1);
    await approve(item.id);
    foreignEventId = `${auditorNewest!.id}-1`;
  });

  test.each([
    { kind: "malformed", lastEventId: () => "not-an-event-id" },
    { kind: "over-long cursor", lastEventId: () => "12345678901-1" },
    { kind: "unknown", lastEventId: () => "2000000000-1" },
    { kind: "another user's", lastEventId: () => foreignEventId },
  ])("$kind id gets snapshots only", async ({ lastEventId }) => {
    const loader = sessions.administrativo;
    const stream = await open(loader, { "Last-Event-ID": lastEventId() });
    await waitForSnapshots(stream, false);
    await sleep(settleMs);
    const [newest] = await newestNotifications(loader, 1);
    const names = stream.events.map((event) => event.event);
    const snapshotCursor = cursorOf(stream.events[0]!.id);

    // A cursor wrongly taken from the id would hide the notifications
    // below it, so a new one must still arrive.
    const item = await createPresupuesto();
    await approve(item.id);
    const next = await stream.waitFor(
      (event) => event.event === "notification",
    );

    expect(stream.status).toBe(200);
    expect(names).toEqual(["notifications"]);
    expect(snapshotCursor).toBe(String(newest!.id));
    expect(JSON.parse(next.data).title).toContain(item.numero);
  });
});
