import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import type { Rol } from "../../lib/auth/roles";
import { newPresupuesto, pollUntil, request } from "../support/api";
import { demoPassword, signIn } from "../support/auth";
import {
  createDataDir,
  insertUsers,
  readUsers,
  type NewUser,
} from "../support/database";
import {
  latestCount,
  presupuestosData,
  waitForSnapshots,
  type Pendiente,
} from "../support/events";
import { openStream, type StreamClient } from "../support/sse-client";
import { startServer, type TestServer } from "../support/server";

// Twenty users of every role, each with an open event stream, run a
// seeded pseudo-random mix of mutations against one server. Afterwards no
// stream may have carried another user's notification or, to a
// non-auditor, a presupuestos list. Each stream's last unread count must
// equal the one from REST. ISOLATION_SEED selects another mix, but the
// interleaving of concurrent requests still varies between runs.

const seed = Number(process.env.ISOLATION_SEED ?? 20_240_611);
const operationCount = 150;
/** Operation i starts no earlier than i * spreadMs / operationCount. */
const spreadMs = 10_000;
/** Operations in flight at once. */
const workerCount = 3;
/** No operation starts after this, however slow the server is. */
const maxRunMs = 45_000;
const extraPassword = "isolation-test-password";

/** Mulberry32: a small seeded generator of floats in [0, 1). */
function createRandom(initial: number): () => number {
  let state = initial >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function extraUsersOf(rol: Rol, count: number): NewUser[] {
  return Array.from({ length: count }, (_, index) => ({
    email: `isolation-${rol}-${index + 1}@example.com`,
    name: `Isolation ${rol} ${index + 1}`,
    rol,
  }));
}

/** With the four demo accounts: 8 auditors, 6 administrativos, 6 admins. */
const extraUsers = [
  ...extraUsersOf("auditor_medico", 6),
  ...extraUsersOf("administrativo", 5),
  ...extraUsersOf("admin", 5),
];

type Participant = {
  email: string;
  id: string;
  rol: Rol;
  cookie: string;
  stream: StreamClient;
  /** Set once the stream's body ends, which no user here should cause. */
  ended: boolean;
};

/** A notification as GET /api/notificaciones and the stream send it. */
type Notification = {
  id: number;
  type: string;
  title: string;
  message: string;
  link: string | null;
  readAt: string | null;
  createdAt: string;
};

type NotificationList = {
  notifications: Notification[];
  nextCursor: number | null;
};

const operationKinds = [
  "create",
  "decide",
  "take",
  "release",
  "adminAssign",
  "markRead",
  "markAllRead",
  "foreignMarkRead",
] as const;
type OperationKind = (typeof operationKinds)[number];

/** Relative frequency of each kind, out of 100. */
const operationWeights: Record<OperationKind, number> = {
  create: 25,
  decide: 18,
  take: 10,
  release: 5,
  adminAssign: 10,
  markRead: 14,
  markAllRead: 4,
  foreignMarkRead: 14,
};

/** Statuses that are correct outcomes, races between users included. */
const allowedStatuses: Record<OperationKind, number[]> = {
  create: [201],
  // 403 means another auditor took it first, and 409 that it was decided
  // or changed meanwhile.
  decide: [200, 403, 409],
  take: [200, 403, 409],
  release: [200, 403, 409],
  adminAssign: [200, 409],
  markRead: [200],
  markAllRead: [200],
  foreignMarkRead: [403],
};

const actorRoles: Record<OperationKind, Rol[]> = {
  create: ["administrativo", "admin"],
  decide: ["auditor_medico"],
  take: ["auditor_medico"],
  release: ["auditor_medico"],
  adminAssign: ["admin"],
  markRead: ["auditor_medico", "administrativo", "admin"],
  markAllRead: ["auditor_medico", "administrativo", "admin"],
  foreignMarkRead: ["auditor_medico", "administrativo", "admin"],
};

type PlannedOperation = {
  kind: OperationKind;
  /** Picks the actor among those who may perform `kind`, modulo their count. */
  actor: number;
  /** Picks the target among the candidates at run time. */
  pick: number;
  /** Picks a decision or an auditor where the operation needs one. */
  choice: number;
};

type OperationResult = {
  index: number;
  kind: OperationKind;
  actor: string;
  path: string;
  status: number;
};

function planOperations(): PlannedOperation[] {
  const random = createRandom(seed);
  const total = Object.values(operationWeights).reduce((a, b) => a + b, 0);
  return Array.from({ length: operationCount }, () => {
    let roll = random() * total;
    const kind =
      operationKinds.find((candidate) => {
        roll -= operationWeights[candidate];
        return roll < 0;
      }) ?? "create";
    return {
      kind,
      actor: Math.floor(random() * 1_000_000),
      pick: random(),
      choice: random(),
    };
  });
}

/** Compares everything but readAt, which changes when the user reads it. */
function sameNotification(sent: Notification, stored: Notification): boolean {
  const fields: Array<keyof Notification> = [
    "id",
    "type",
    "title",
    "message",
    "link",
    "createdAt",
  ];
  return fields.every((field) => sent[field] === stored[field]);
}

function pickFrom<Item>(items: Item[], fraction: number): Item | undefined {
  return items[Math.floor(fraction * items.length)];
}

let server: TestServer | undefined;
let dataDir: string | undefined;
const participants: Participant[] = [];
const results: OperationResult[] = [];
/** Each user's notification ids before the operations started. */
const baselineIds = new Map<string, Set<number>>();
/** Each user's notifications after the operations. */
const finalLists = new Map<string, Notification[]>();
/** Each user's unread count from REST after the operations. */
const finalCounts = new Map<string, number>();

function ofRoles(roles: Rol[]): Participant[] {
  return participants.filter((participant) => roles.includes(participant.rol));
}

function notificationEvents(participant: Participant): Notification[] {
  return participant.stream.events
    .filter((event) => event.event === "notification")
    .map((event) => JSON.parse(event.data) as Notification);
}

/** Returns the newest pending list that any auditor's stream received. */
function knownPendientes(): Pendiente[] {
  let newest: { version: number; pendientes: Pendiente[] } | undefined;
  for (const auditor of ofRoles(["auditor_medico"])) {
    const event = auditor.stream.events.findLast(
      (candidate) => candidate.event === "presupuestos",
    );
    if (!event) continue;
    const data = presupuestosData(event);
    if (!newest || data.version > newest.version) newest = data;
  }
  return newest?.pendientes ?? [];
}

async function post(
  actor: Participant,
  path: string,
  body?: unknown,
): Promise<number> {
  const response = await request(server!.baseUrl, path, {
    method: "POST",
    cookie: actor.cookie,
    body,
  });
  return response.status;
}

/**
 * Builds the request of one planned operation from the current state, or
 * returns null when it has no target (for example no pending presupuesto).
 */
function prepare(
  planned: PlannedOperation,
  actor: Participant,
): { path: string; body?: unknown } | null {
  const pendientes = knownPendientes();
  const auditors = ofRoles(["auditor_medico"]);
  switch (planned.kind) {
    case "create":
      return {
        path: "/api/presupuestos",
        body: newPresupuesto({
          afiliado: `Isolation ${Math.floor(planned.pick * 10_000)}`,
          urgente: planned.choice < 0.2,
        }),
      };
    case "decide": {
      const mine = pendientes.filter(
        (item) => item.auditorId === null || item.auditorId === actor.id,
      );
      const target = pickFrom(mine, planned.pick);
      if (!target) return null;
      const decision = pickFrom(
        ["APROBADO", "RECHAZADO", "OBSERVADO"],
        planned.choice,
      );
      return {
        path: `/api/presupuestos/${target.id}/decision`,
        body: { decision, comentario: "Revisado en la prueba de aislamiento." },
      };
    }
    case "take": {
      const free = pendientes.filter((item) => item.auditorId === null);
      const target = pickFrom(free, planned.pick);
      if (!target) return null;
      return {
        path: `/api/presupuestos/${target.id}/asignacion`,
        body: { auditorId: actor.id },
      };
    }
    case "release": {
      const own = pendientes.filter((item) => item.auditorId === actor.id);
      const target = pickFrom(own, planned.pick);
      if (!target) return null;
      return {
        path: `/api/presupuestos/${target.id}/asignacion`,
        body: { auditorId: null },
      };
    }
    case "adminAssign": {
      const target = pickFrom(pendientes, planned.pick);
      const auditor = pickFrom(auditors, planned.choice);
      if (!target || !auditor) return null;
      return {
        path: `/api/presupuestos/${target.id}/asignacion`,
        body: { auditorId: auditor.id },
      };
    }
    case "markRead": {
      const target = pickFrom(notificationEvents(actor), planned.pick);
      if (!target) return null;
      return { path: `/api/notificaciones/${target.id}/leer` };
    }
    case "markAllRead":
      return { path: "/api/notificaciones/leer-todas" };
    case "foreignMarkRead": {
      const others = participants.filter((other) => other !== actor);
      const owner = pickFrom(others, planned.choice);
      const target = owner && pickFrom(notificationEvents(owner), planned.pick);
      if (!target) return null;
      return { path: `/api/notificaciones/${target.id}/leer` };
    }
  }
}

async function runOperations(plan: PlannedOperation[]): Promise<void> {
  const startedAt = Date.now();
  let next = 0;
  const worker = async () => {
    while (next < plan.length && Date.now() - startedAt < maxRunMs) {
      const index = next++;
      const planned = plan[index]!;
      const startAt = startedAt + (index * spreadMs) / plan.length;
      const wait = startAt - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));

      const actors = ofRoles(actorRoles[planned.kind]);
      const actor = actors[planned.actor % actors.length]!;
      const prepared = prepare(planned, actor);
      if (!prepared) continue;
      const status = await post(actor, prepared.path, prepared.body);
      results.push({
        index,
        kind: planned.kind,
        actor: actor.email,
        path: prepared.path,
        status,
      });
    }
  };
  await Promise.all(Array.from({ length: workerCount }, worker));
}

/** Reads all of a user's notifications, newest first. */
async function readAllNotifications(
  participant: Participant,
): Promise<Notification[]> {
  const all: Notification[] = [];
  let cursor: number | null = null;
  // 50 pages of 100 are far more than 150 operations can create.
  for (let page = 0; page < 50; page++) {
    const query: string =
      cursor === null ? "limit=100" : `limit=100&cursor=${cursor}`;
    const response = await request<NotificationList>(
      server!.baseUrl,
      `/api/notificaciones?${query}`,
      { cookie: participant.cookie },
    );
    if (response.status !== 200) {
      const requestName = `GET /api/notificaciones as ${participant.email}`;
      throw new Error(`${requestName} failed: HTTP ${response.status}`);
    }
    all.push(...response.body.notifications);
    cursor = response.body.nextCursor;
    if (cursor === null) return all;
  }
  throw new Error(`${participant.email} has more than 5000 notifications`);
}

async function readCount(participant: Participant): Promise<number> {
  const response = await request<{ count: number }>(
    server!.baseUrl,
    "/api/notificaciones/count",
    { cookie: participant.cookie },
  );
  if (response.status !== 200) {
    const requestName = `GET /api/notificaciones/count as ${participant.email}`;
    throw new Error(`${requestName} failed: HTTP ${response.status}`);
  }
  return response.body.count;
}

async function connect(email: string, id: string, rol: Rol, password: string) {
  const cookie = await signIn(server!.baseUrl, email, password);
  const stream = await openStream(server!.baseUrl, cookie);
  const participant: Participant = {
    email,
    id,
    rol,
    cookie,
    stream,
    ended: false,
  };
  void stream.closed.then(() => {
    participant.ended = true;
  });
  await waitForSnapshots(stream, rol === "auditor_medico");
  return participant;
}

beforeAll(async () => {
  dataDir = createDataDir();
  await insertUsers(dataDir, extraUsers, extraPassword);
  const users = readUsers(dataDir);
  server = await startServer({ dataDir });

  const extraEmails = new Set(extraUsers.map((user) => user.email));
  participants.push(
    ...(await Promise.all(
      users.map((user) =>
        connect(
          user.email,
          user.id,
          user.rol,
          extraEmails.has(user.email) ? extraPassword : demoPassword,
        ),
      ),
    )),
  );
  for (const participant of participants) {
    const ids = (await readAllNotifications(participant)).map(
      (notification) => notification.id,
    );
    baselineIds.set(participant.email, new Set(ids));
  }

  await runOperations(planOperations());

  // Streams may still be sending the last snapshots: wait until each one's
  // newest count matches REST, or give up after 15 s and let the tests report
  // which differ.
  const deadline = Date.now() + 15_000;
  for (const participant of participants) {
    const settled = await pollUntil(
      async () => ({
        rest: await readCount(participant),
        stream: latestCount(participant.stream),
      }),
      (counts) => counts.rest === counts.stream,
      Math.max(0, deadline - Date.now()),
    );
    finalCounts.set(participant.email, settled.rest);
    finalLists.set(participant.email, await readAllNotifications(participant));
  }
}, 150_000);

afterAll(async () => {
  for (const participant of participants) participant.stream.close();
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe(`isolation with seed ${seed}`, () => {
  test("twenty users of every role", () => {
    const roles = new Set(participants.map((participant) => participant.rol));

    expect(participants).toHaveLength(20);
    expect([...roles].sort()).toEqual([
      "admin",
      "administrativo",
      "auditor_medico",
    ]);
  });

  test("operations return expected statuses", () => {
    const unexpected = results.filter(
      (result) => !allowedStatuses[result.kind].includes(result.status),
    );

    expect(results.length).toBeGreaterThan(operationCount / 2);
    expect(unexpected).toEqual([]);
  });

  test("operations create notifications", () => {
    const created = participants.map(
      (participant) =>
        finalLists
          .get(participant.email)!
          .filter((item) => !baselineIds.get(participant.email)!.has(item.id))
          .length,
    );

    expect(created.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  test("no foreign notification events", () => {
    const foreign: string[] = [];
    for (const participant of participants) {
      const own = new Map(
        finalLists.get(participant.email)!.map((item) => [item.id, item]),
      );
      for (const received of notificationEvents(participant)) {
        const stored = own.get(received.id);
        if (!stored || !sameNotification(received, stored)) {
          foreign.push(`${participant.email} got ${JSON.stringify(received)}`);
        }
      }
    }

    expect(foreign).toEqual([]);
  });

  test("every new notification is delivered", () => {
    const missing: string[] = [];
    for (const participant of participants) {
      const received = new Set(
        notificationEvents(participant).map((item) => item.id),
      );
      for (const item of finalLists.get(participant.email)!) {
        const isNew = !baselineIds.get(participant.email)!.has(item.id);
        if (isNew && !received.has(item.id)) {
          missing.push(`${participant.email} missed ${item.id}`);
        }
      }
    }

    expect(missing).toEqual([]);
  });

  test("final stream counts match REST", () => {
    const streamCounts = Object.fromEntries(
      participants.map((participant) => [
        participant.email,
        latestCount(participant.stream),
      ]),
    );
    const restCounts = Object.fromEntries(
      participants.map((participant) => [
        participant.email,
        finalCounts.get(participant.email),
      ]),
    );

    expect(streamCounts).toEqual(restCounts);
  });

  test("presupuestos reach only auditors", () => {
    const receivers = participants
      .filter((participant) => participant.rol !== "auditor_medico")
      .filter((participant) =>
        participant.stream.events.some(
          (event) => event.event === "presupuestos",
        ),
      )
      .map((participant) => participant.email);

    expect(receivers).toEqual([]);
  });

  test("foreign mark read is rejected", () => {
    const attempts = results.filter(
      (result) => result.kind === "foreignMarkRead",
    );

    expect(attempts.length).toBeGreaterThan(0);
    expect(attempts.filter((result) => result.status !== 403)).toEqual([]);
  });

  test("streams stay open throughout", () => {
    const closedOrEnded = participants
      .filter(
        (participant) =>
          participant.ended ||
          participant.stream.events.some((event) =>
            ["session", "closing"].includes(event.event),
          ),
      )
      .map((participant) => participant.email);

    expect(closedOrEnded).toEqual([]);
  });
});
