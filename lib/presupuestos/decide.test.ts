import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
} from "vitest";

import {
  createUser,
  insertPresupuesto,
  presupuestoInput,
  recordBus,
  type BusRecorder,
} from "../../tests/support/fixtures";
import {
  openTempDatabase,
  type TempDatabase,
} from "../../tests/support/temp-database";
import type { SessionUser } from "../auth/session";
import { AppError } from "../errors";

let database: TempDatabase;
let decidePresupuesto: typeof import("./decide").decidePresupuesto;
let createPresupuesto: typeof import("./create").createPresupuesto;

let loader: SessionUser;
let auditor: SessionUser;
let otherAuditor: SessionUser;
let recorder: BusRecorder | undefined;

const year = new Date().getUTCFullYear();

beforeAll(async () => {
  database = await openTempDatabase();
  ({ decidePresupuesto } = await import("./decide"));
  ({ createPresupuesto } = await import("./create"));
});

afterAll(async () => {
  await database.close();
});

beforeEach(async () => {
  await database.clear();
  loader = await createUser(database.db, "administrativo");
  auditor = await createUser(database.db, "auditor_medico", {
    name: "Dra. Laura Méndez",
  });
  otherAuditor = await createUser(database.db, "auditor_medico");
});

afterEach(() => {
  recorder?.stop();
  recorder = undefined;
});

/** Creates a pending presupuesto through the service: P-YYYY-000001 first. */
async function createPending() {
  return createPresupuesto(loader, presupuestoInput());
}

/** Reads every row a decision may write, to compare before and after. */
async function readState(id: string) {
  const db = database.db;
  return {
    presupuesto: await db.presupuesto.findUnique({ where: { id } }),
    eventos: await db.presupuestoEvento.findMany({ orderBy: { id: "asc" } }),
    notifications: await db.notification.findMany({ orderBy: { id: "asc" } }),
  };
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("decidePresupuesto success", () => {
  it("approves a pending one", async () => {
    const pending = await createPending();
    const decided = await decidePresupuesto(auditor, pending.id, {
      decision: "APROBADO",
    });
    expect(decided.estado).toBe("APROBADO");
    expect(decided.auditorId).toBe(auditor.id);
    expect(decided.version).toBe(2);
  });

  it("stores the comment in the trail", async () => {
    const pending = await createPending();
    await decidePresupuesto(auditor, pending.id, {
      decision: "RECHAZADO",
      comentario: "No cumple criterios de cobertura del PMO.",
    });
    const eventos = await database.db.presupuestoEvento.findMany({
      where: { presupuestoId: pending.id, fromEstado: "PENDIENTE" },
    });
    expect(eventos).toHaveLength(1);
    expect(eventos[0]).toMatchObject({
      userId: auditor.id,
      toEstado: "RECHAZADO",
      comentario: "No cumple criterios de cobertura del PMO.",
    });
  });

  it("stores an empty comment as null", async () => {
    const pending = await createPending();
    await decidePresupuesto(auditor, pending.id, {
      decision: "APROBADO",
      comentario: "",
    });
    const evento = await database.db.presupuestoEvento.findFirstOrThrow({
      where: { presupuestoId: pending.id, toEstado: "APROBADO" },
    });
    expect(evento.comentario).toBeNull();
  });

  it("notifies the creator of approval", async () => {
    const pending = await createPending();
    await decidePresupuesto(auditor, pending.id, { decision: "APROBADO" });
    const notifications = await database.db.notification.findMany({
      where: { userId: loader.id },
    });
    expect(notifications).toHaveLength(1);
    expect(notifications[0]).toMatchObject({
      type: "presupuesto.aprobado",
      title: `Presupuesto P-${year}-000001 aprobado`,
      message: "Dra. Laura Méndez lo marcó como aprobado.",
      link: "/presupuestos",
      readAt: null,
    });
  });

  it("quotes the comment to the creator", async () => {
    const pending = await createPending();
    await decidePresupuesto(auditor, pending.id, {
      decision: "OBSERVADO",
      comentario: "Adjuntar historia clínica.",
    });
    const notification = await database.db.notification.findFirstOrThrow({
      where: { userId: loader.id },
    });
    expect(notification.title).toBe(`Presupuesto P-${year}-000001 observado`);
    expect(notification.type).toBe("presupuesto.observado");
    expect(notification.message).toBe(
      "Dra. Laura Méndez: Adjuntar historia clínica.",
    );
  });

  it("decides one assigned to self", async () => {
    const row = await insertPresupuesto(database.db, {
      createdById: loader.id,
      auditorId: auditor.id,
    });
    const decided = await decidePresupuesto(auditor, row.id, {
      decision: "APROBADO",
    });
    expect(decided.estado).toBe("APROBADO");
  });

  it("publishes after the decision", async () => {
    const pending = await createPending();
    recorder = recordBus();
    await decidePresupuesto(auditor, pending.id, { decision: "APROBADO" });
    expect(recorder.messages).toEqual([
      { type: "presupuestos" },
      { type: "notifications", userIds: [loader.id] },
    ]);
  });
});

describe("decidePresupuesto rejections", () => {
  it("rejects a decided one with 409", async () => {
    const pending = await createPending();
    await decidePresupuesto(auditor, pending.id, { decision: "APROBADO" });
    const error = await rejection(
      decidePresupuesto(auditor, pending.id, {
        decision: "RECHAZADO",
        comentario: "Tarde.",
      }),
    );
    expect(error.code).toBe("conflict");
    expect(error.status).toBe(409);
    expect(error.message).toBe(
      `El presupuesto P-${year}-000001 ya no está pendiente: está APROBADO.`,
    );
  });

  it("rejects another's assignment with 403", async () => {
    const row = await insertPresupuesto(database.db, {
      createdById: loader.id,
      auditorId: otherAuditor.id,
    });
    const error = await rejection(
      decidePresupuesto(auditor, row.id, { decision: "APROBADO" }),
    );
    expect(error.code).toBe("forbidden");
    expect(error.status).toBe(403);
  });

  it("rejects an unknown id with 404", async () => {
    const error = await rejection(
      decidePresupuesto(auditor, "no-such-id", { decision: "APROBADO" }),
    );
    expect(error.code).toBe("not_found");
    expect(error.status).toBe(404);
    expect(error.message).toBe("El presupuesto no-such-id no existe.");
  });

  it("leaves the database unchanged on 403", async () => {
    const row = await insertPresupuesto(database.db, {
      createdById: loader.id,
      auditorId: otherAuditor.id,
    });
    const before = await readState(row.id);
    await rejection(
      decidePresupuesto(auditor, row.id, { decision: "APROBADO" }),
    );
    expect(await readState(row.id)).toEqual(before);
  });

  it("leaves the database unchanged on 409", async () => {
    const pending = await createPending();
    await decidePresupuesto(auditor, pending.id, { decision: "APROBADO" });
    const before = await readState(pending.id);
    await rejection(
      decidePresupuesto(otherAuditor, pending.id, { decision: "APROBADO" }),
    );
    expect(await readState(pending.id)).toEqual(before);
  });

  it("publishes nothing when rejected", async () => {
    const row = await insertPresupuesto(database.db, {
      createdById: loader.id,
      auditorId: otherAuditor.id,
    });
    recorder = recordBus();
    await rejection(
      decidePresupuesto(auditor, row.id, { decision: "APROBADO" }),
    );
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(recorder.messages).toEqual([]);
  });
});

describe("decidePresupuesto concurrency", () => {
  it("lets exactly one decision win", async () => {
    const pending = await createPending();
    const results = await Promise.allSettled([
      decidePresupuesto(auditor, pending.id, { decision: "APROBADO" }),
      decidePresupuesto(otherAuditor, pending.id, {
        decision: "RECHAZADO",
        comentario: "Sin cobertura.",
      }),
    ]);
    const fulfilled = results.filter((result) => result.status === "fulfilled");
    const rejected = results.filter((result) => result.status === "rejected");
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    const reason = (rejected[0] as PromiseRejectedResult).reason as AppError;
    expect(reason).toBeInstanceOf(AppError);
    expect(reason.status).toBe(409);
  });

  it("records only the winning decision", async () => {
    const pending = await createPending();
    const results = await Promise.allSettled([
      decidePresupuesto(auditor, pending.id, { decision: "APROBADO" }),
      decidePresupuesto(otherAuditor, pending.id, {
        decision: "RECHAZADO",
        comentario: "Sin cobertura.",
      }),
    ]);
    const winner = results.findIndex((result) => result.status === "fulfilled");
    const expected = winner === 0 ? "APROBADO" : "RECHAZADO";
    const row = await database.db.presupuesto.findUniqueOrThrow({
      where: { id: pending.id },
    });
    const decisions = await database.db.presupuestoEvento.findMany({
      where: { presupuestoId: pending.id, fromEstado: "PENDIENTE" },
    });
    const toCreator = await database.db.notification.count({
      where: { userId: loader.id },
    });
    expect(row.estado).toBe(expected);
    expect(row.version).toBe(2);
    expect(decisions.map((evento) => evento.toEstado)).toEqual([expected]);
    expect(toCreator).toBe(1);
  });
});
