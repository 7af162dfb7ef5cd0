import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";

import {
  newPresupuesto,
  request,
  sessionUserId,
  signInAll,
  type NotificationPage,
  type PresupuestoItem,
  type Sessions,
} from "../support/api";
import {
  firstOutOfOrder,
  latestCount,
  latestEvent,
  pendienteIds,
  presupuestosData,
  waitForCount,
  waitForList,
  waitForSnapshots,
  type PresupuestosData,
} from "../support/events";
import { openStream, type StreamClient } from "../support/sse-client";
import { startServer, type TestServer } from "../support/server";

// Loading a presupuesto and deciding on it through the REST routes, and the
// stream updates and notifications that each of them triggers.

type Created = PresupuestoItem & {
  monto: number;
  urgente: boolean;
  createdById: string;
  presupuesto: PresupuestoItem;
};

let server: TestServer;
let sessions: Sessions;
let auditorId: string;
let loaderId: string;
const openedStreams: StreamClient[] = [];

/** Streams of both auditors and the administrativo, past their snapshots. */
type Watchers = {
  auditor: StreamClient;
  auditor2: StreamClient;
  loader: StreamClient;
};

async function openWatchers(): Promise<Watchers> {
  const watchers = {
    auditor: await openStream(server.baseUrl, sessions.auditor),
    auditor2: await openStream(server.baseUrl, sessions.auditor2),
    loader: await openStream(server.baseUrl, sessions.administrativo),
  };
  openedStreams.push(...Object.values(watchers));
  await waitForSnapshots(watchers.auditor, true);
  await waitForSnapshots(watchers.auditor2, true);
  await waitForSnapshots(watchers.loader, false);
  return watchers;
}

function marks(watchers: Watchers) {
  return {
    auditor: watchers.auditor.events.length,
    auditor2: watchers.auditor2.events.length,
    loader: watchers.loader.events.length,
  };
}

async function create(overrides: Record<string, unknown> = {}) {
  return request<Created>(server.baseUrl, "/api/presupuestos", {
    cookie: sessions.administrativo,
    body: newPresupuesto(overrides),
  });
}

async function decide(cookie: string, id: string, body: unknown) {
  return request<{ presupuesto: PresupuestoItem }>(
    server.baseUrl,
    `/api/presupuestos/${id}/decision`,
    { cookie, body },
  );
}

async function readPendientes(cookie: string) {
  return request<PresupuestosData>(
    server.baseUrl,
    "/api/v2/presupuestos/auditor/pendientes",
    { cookie },
  );
}

async function readNotifications(cookie: string) {
  const response = await request<NotificationPage>(
    server.baseUrl,
    "/api/notificaciones?limit=100",
    { cookie },
  );
  return response.body;
}

beforeAll(async () => {
  server = await startServer();
  sessions = await signInAll(server.baseUrl);
  auditorId = await sessionUserId(server.baseUrl, sessions.auditor);
  loaderId = await sessionUserId(server.baseUrl, sessions.administrativo);
});

afterEach(async () => {
  const streams = openedStreams.splice(0);
  for (const stream of streams) stream.close();
  await Promise.all(streams.map((stream) => stream.closed));
});

afterAll(async () => {
  await server?.stop();
});

describe("POST /api/presupuestos", () => {
  test("returns 201 with pending presupuesto", async () => {
    const response = await create({ monto: 1234.56, urgente: true });

    expect(response.status).toBe(201);
    expect(response.body.numero).toMatch(/^P-\d{4}-\d{6}$/);
    expect(response.body.estado).toBe("PENDIENTE");
    expect(response.body.monto).toBe(1234.56);
    expect(response.body.urgente).toBe(true);
    expect(response.body.auditorId).toBeNull();
    expect(response.body.createdById).toBe(loaderId);
    expect(response.body.presupuesto.id).toBe(response.body.id);
  });

  test("numbers follow one another", async () => {
    const first = await create();
    const second = await create();
    const sequence = (numero: string) => Number(numero.slice(-6));

    expect(sequence(second.body.numero)).toBe(sequence(first.body.numero) + 1);
  });

  test("accepts same-origin Origin header", async () => {
    const response = await request(server.baseUrl, "/api/presupuestos", {
      cookie: sessions.administrativo,
      headers: { Origin: server.baseUrl },
      body: newPresupuesto(),
    });

    expect(response.status).toBe(201);
  });

  test("reaches both auditors' streams", async () => {
    const watchers = await openWatchers();
    const before = marks(watchers);
    const counts = {
      auditor: latestCount(watchers.auditor),
      auditor2: latestCount(watchers.auditor2),
    };

    const created = await create({ afiliado: "Bruno Creado" });

    for (const name of ["auditor", "auditor2"] as const) {
      const stream = watchers[name];
      const list = await waitForList(
        stream,
        created.body.id,
        true,
        before[name],
      );
      const item = presupuestosData(list).pendientes.find(
        (pendiente) => pendiente.id === created.body.id,
      );
      expect(item?.afiliado).toBe("Bruno Creado");
      expect(item?.numero).toBe(created.body.numero);
      const unread = await waitForCount(stream, counts[name] + 1, before[name]);
      expect(unread.event).toBe("notifications");
    }
  });

  test("new urgent item sorts first", async () => {
    const watchers = await openWatchers();
    const before = marks(watchers);

    const created = await create({ urgente: true });

    const list = await waitForList(
      watchers.auditor,
      created.body.id,
      true,
      before.auditor,
    );
    const { pendientes } = presupuestosData(list);
    const position = pendientes.findIndex(
      (item) => item.id === created.body.id,
    );
    expect(firstOutOfOrder(pendientes)).toBe(-1);
    expect(pendientes.slice(0, position).every((item) => item.urgente)).toBe(
      true,
    );
    expect(pendientes.slice(position + 1).some((item) => item.urgente)).toBe(
      false,
    );
  });

  test("notifies every auditor", async () => {
    const created = await create({ urgente: true });

    for (const cookie of [sessions.auditor, sessions.auditor2]) {
      const { notifications } = await readNotifications(cookie);
      const titles = notifications.map((notification) => notification.title);
      expect(titles).toContain(
        `Urgente: nuevo presupuesto ${created.body.numero}`,
      );
    }
  });
});

describe("POST /api/presupuestos/{id}/decision", () => {
  test("approval leaves both lists", async () => {
    const created = await create();
    const watchers = await openWatchers();
    const before = marks(watchers);
    const loaderCount = latestCount(watchers.loader);

    const response = await decide(sessions.auditor, created.body.id, {
      decision: "APROBADO",
      comentario: "Cumple criterios de cobertura.",
    });

    expect(response.status).toBe(200);
    expect(response.body.presupuesto.estado).toBe("APROBADO");
    expect(response.body.presupuesto.auditorId).toBe(auditorId);
    for (const name of ["auditor", "auditor2"] as const) {
      const list = await waitForList(
        watchers[name],
        created.body.id,
        false,
        before[name],
      );
      expect(pendienteIds(list)).not.toContain(created.body.id);
    }
    const unread = await waitForCount(
      watchers.loader,
      loaderCount + 1,
      before.loader,
    );
    expect(unread.event).toBe("notifications");
  });

  test("creator notified with comment", async () => {
    const created = await create();
    const comentario = "Cumple criterios de cobertura del PMO.";

    await decide(sessions.auditor, created.body.id, {
      decision: "APROBADO",
      comentario,
    });

    const { notifications } = await readNotifications(sessions.administrativo);
    const notification = notifications.find(
      (item) => item.title === `Presupuesto ${created.body.numero} aprobado`,
    );
    expect(notification?.type).toBe("presupuesto.aprobado");
    expect(notification?.message).toContain(comentario);
    expect(notification?.readAt).toBeNull();
  });

  test("rejection notified with comment", async () => {
    const created = await create();
    const comentario = "Falta la orden médica.";

    const response = await decide(sessions.auditor2, created.body.id, {
      decision: "RECHAZADO",
      comentario,
    });

    expect(response.body.presupuesto.estado).toBe("RECHAZADO");
    const { notifications } = await readNotifications(sessions.administrativo);
    const notification = notifications.find(
      (item) => item.title === `Presupuesto ${created.body.numero} rechazado`,
    );
    expect(notification?.message).toContain(comentario);
  });

  test("creator's list shows decision", async () => {
    const created = await create();
    await decide(sessions.auditor, created.body.id, {
      decision: "OBSERVADO",
      comentario: "Adjuntar historia clínica.",
    });

    const list = await request<{ presupuestos: PresupuestoItem[] }>(
      server.baseUrl,
      "/api/presupuestos",
      { cookie: sessions.administrativo },
    );
    const item = list.body.presupuestos.find(
      (presupuesto) => presupuesto.id === created.body.id,
    );
    expect(item?.estado).toBe("OBSERVADO");
    expect(item?.version).toBe(2);
  });

  test("concurrent decisions: one wins", async () => {
    const created = await create();
    const before = await readNotifications(sessions.administrativo);

    const responses = await Promise.all([
      decide(sessions.auditor, created.body.id, { decision: "APROBADO" }),
      decide(sessions.auditor2, created.body.id, { decision: "APROBADO" }),
    ]);

    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([200, 409]);
    const after = await readNotifications(sessions.administrativo);
    expect(after.unread).toBe(before.unread + 1);
  });
});

describe("GET /api/v2/presupuestos/auditor/pendientes", () => {
  test("returns pendientes and total", async () => {
    const response = await readPendientes(sessions.auditor);

    expect(response.status).toBe(200);
    expect(Array.isArray(response.body.pendientes)).toBe(true);
    // Equal only while fewer than PENDIENTES_LIMIT (200) are pending.
    expect(response.body.total).toBe(response.body.pendientes.length);
    expect(firstOutOfOrder(response.body.pendientes)).toBe(-1);
  });

  test("matches the stream snapshot", async () => {
    const watchers = await openWatchers();
    const snapshot = presupuestosData(
      latestEvent(watchers.auditor2, "presupuestos"),
    );

    const response = await readPendientes(sessions.auditor2);

    expect(response.body.pendientes).toEqual(snapshot.pendientes);
    expect(response.body.total).toBe(snapshot.total);
  });

  test("follows create and decision", async () => {
    const created = await create();
    const withItem = await readPendientes(sessions.auditor);
    await decide(sessions.auditor, created.body.id, { decision: "APROBADO" });
    const withoutItem = await readPendientes(sessions.auditor);

    const ids = (body: PresupuestosData) => body.pendientes.map((p) => p.id);
    expect(ids(withItem.body)).toContain(created.body.id);
    expect(ids(withoutItem.body)).not.toContain(created.body.id);
    expect(withoutItem.body.total).toBe(withItem.body.total - 1);
  });
});
