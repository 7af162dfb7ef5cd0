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
  recordBus,
  type BusRecorder,
} from "../../tests/support/fixtures";
import {
  openTempDatabase,
  type TempDatabase,
  testProvider,
} from "../../tests/support/temp-database";
import type { SessionUser } from "../auth/session";
import { AppError } from "../errors";

let database: TempDatabase;
let assignPresupuesto: typeof import("./assign").assignPresupuesto;

let loader: SessionUser;
let admin: SessionUser;
let auditor: SessionUser;
let otherAuditor: SessionUser;
let recorder: BusRecorder | undefined;

beforeAll(async () => {
  database = await openTempDatabase();
  ({ assignPresupuesto } = await import("./assign"));
});

afterAll(async () => {
  await database.close();
});

beforeEach(async () => {
  await database.clear();
  loader = await createUser(database.db, "administrativo");
  admin = await createUser(database.db, "admin", { name: "Carlos Herrera" });
  auditor = await createUser(database.db, "auditor_medico");
  otherAuditor = await createUser(database.db, "auditor_medico");
});

afterEach(() => {
  recorder?.stop();
  recorder = undefined;
});

function insertPending(auditorId: string | null = null) {
  return insertPresupuesto(database.db, { createdById: loader.id, auditorId });
}

async function storedAuditorId(id: string) {
  const row = await database.db.presupuesto.findUniqueOrThrow({
    where: { id },
  });
  return row.auditorId;
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("assignPresupuesto by an auditor", () => {
  it("takes a free one", async () => {
    const row = await insertPending();
    const assigned = await assignPresupuesto(auditor, row.id, auditor.id);
    expect(assigned.auditorId).toBe(auditor.id);
    expect(assigned.version).toBe(2);
    expect(await storedAuditorId(row.id)).toBe(auditor.id);
  });

  it("sends no notification when taking", async () => {
    const row = await insertPending();
    await assignPresupuesto(auditor, row.id, auditor.id);
    expect(await database.db.notification.count()).toBe(0);
  });

  it("publishes when taking", async () => {
    const row = await insertPending();
    recorder = recordBus();
    await assignPresupuesto(auditor, row.id, auditor.id);
    expect(recorder.messages).toEqual([
      { type: "presupuestos" },
      { type: "notifications", userIds: [] },
    ]);
  });

  it("releases their own", async () => {
    const row = await insertPending(auditor.id);
    const released = await assignPresupuesto(auditor, row.id, null);
    expect(released.auditorId).toBeNull();
    expect(await storedAuditorId(row.id)).toBeNull();
  });

  it("cannot take another's", async () => {
    const row = await insertPending(otherAuditor.id);
    const error = await rejection(
      assignPresupuesto(auditor, row.id, auditor.id),
    );
    expect(error.status).toBe(403);
    expect(await storedAuditorId(row.id)).toBe(otherAuditor.id);
  });

  it("cannot release another's", async () => {
    const row = await insertPending(otherAuditor.id);
    const error = await rejection(assignPresupuesto(auditor, row.id, null));
    expect(error.status).toBe(403);
    expect(await storedAuditorId(row.id)).toBe(otherAuditor.id);
  });

  it("cannot assign to a colleague", async () => {
    const row = await insertPending();
    const error = await rejection(
      assignPresupuesto(auditor, row.id, otherAuditor.id),
    );
    expect(error.status).toBe(403);
    expect(await storedAuditorId(row.id)).toBeNull();
  });

  it("cannot retake their own", async () => {
    const row = await insertPending(auditor.id);
    const error = await rejection(
      assignPresupuesto(auditor, row.id, auditor.id),
    );
    expect(error.status).toBe(403);
  });
});

describe("assignPresupuesto by an admin", () => {
  it("assigns to an active auditor", async () => {
    const row = await insertPending();
    const assigned = await assignPresupuesto(admin, row.id, auditor.id);
    expect(assigned.auditorId).toBe(auditor.id);
    expect(await storedAuditorId(row.id)).toBe(auditor.id);
  });

  it("reassigns to another auditor", async () => {
    const row = await insertPending(otherAuditor.id);
    await assignPresupuesto(admin, row.id, auditor.id);
    expect(await storedAuditorId(row.id)).toBe(auditor.id);
  });

  it("returns one to the pool", async () => {
    const row = await insertPending(auditor.id);
    await assignPresupuesto(admin, row.id, null);
    expect(await storedAuditorId(row.id)).toBeNull();
  });

  it("notifies the assigned auditor", async () => {
    const row = await insertPending();
    await assignPresupuesto(admin, row.id, auditor.id);
    const notifications = await database.db.notification.findMany();
    expect(notifications).toHaveLength(1);
    expect(notifications[0]).toMatchObject({
      userId: auditor.id,
      type: "presupuesto.asignado",
      title: `Te asignaron el presupuesto ${row.numero}`,
      message: "Lucía Martínez · Hospital Alemán",
      link: "/auditoria",
    });
  });

  it("publishes the assignee's id", async () => {
    const row = await insertPending();
    recorder = recordBus();
    await assignPresupuesto(admin, row.id, auditor.id);
    expect(recorder.messages).toEqual([
      { type: "presupuestos" },
      { type: "notifications", userIds: [auditor.id] },
    ]);
  });

  it("rejects an inactive auditor", async () => {
    const inactive = await createUser(database.db, "auditor_medico", {
      active: false,
    });
    const row = await insertPending();
    const error = await rejection(
      assignPresupuesto(admin, row.id, inactive.id),
    );
    expect(error.code).toBe("validation_failed");
    expect(error.status).toBe(422);
    expect(error.fields).toEqual({
      auditorId: ["No es un auditor médico activo."],
    });
    expect(await storedAuditorId(row.id)).toBeNull();
  });

  it("rejects a non-auditor user", async () => {
    const row = await insertPending();
    const error = await rejection(assignPresupuesto(admin, row.id, loader.id));
    expect(error.status).toBe(422);
    expect(await storedAuditorId(row.id)).toBeNull();
  });

  it("rejects an unknown user", async () => {
    const row = await insertPending();
    const error = await rejection(
      assignPresupuesto(admin, row.id, "no-such-user"),
    );
    expect(error.status).toBe(422);
    expect(error.message).toBe(
      "auditorId: no-such-user no es un auditor médico activo.",
    );
  });

  it("leaves the row unchanged on 422", async () => {
    const row = await insertPending();
    await rejection(assignPresupuesto(admin, row.id, loader.id));
    const after = await database.db.presupuesto.findUniqueOrThrow({
      where: { id: row.id },
    });
    expect(after).toEqual(row);
    expect(await database.db.notification.count()).toBe(0);
  });
});

describe("assignPresupuesto state checks", () => {
  it("rejects a decided one with 409", async () => {
    const row = await insertPresupuesto(database.db, {
      createdById: loader.id,
      estado: "APROBADO",
      auditorId: auditor.id,
    });
    const error = await rejection(assignPresupuesto(admin, row.id, null));
    expect(error.code).toBe("conflict");
    expect(error.status).toBe(409);
    expect(await storedAuditorId(row.id)).toBe(auditor.id);
  });

  it("rejects an unknown id with 404", async () => {
    const error = await rejection(
      assignPresupuesto(admin, "no-such-id", auditor.id),
    );
    expect(error.code).toBe("not_found");
    expect(error.status).toBe(404);
  });

  it("publishes nothing when rejected", async () => {
    const row = await insertPending(otherAuditor.id);
    recorder = recordBus();
    await rejection(assignPresupuesto(auditor, row.id, auditor.id));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(recorder.messages).toEqual([]);
  });

  it("lets one of two takers win", async () => {
    // The better-sqlite3 adapter runs one transaction at a time, so there
    // the loser reads the winner's assignment and gets 403 from the role
    // rule. PostgreSQL runs both at once, and the loser may instead fail
    // the version check with 409.
    const row = await insertPending();
    const results = await Promise.allSettled([
      assignPresupuesto(auditor, row.id, auditor.id),
      assignPresupuesto(otherAuditor, row.id, otherAuditor.id),
    ]);
    const fulfilled = results.filter((result) => result.status === "fulfilled");
    const rejected = results.filter((result) => result.status === "rejected");
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    const reason = (rejected[0] as PromiseRejectedResult).reason as AppError;
    expect(reason).toBeInstanceOf(AppError);
    const expected = testProvider === "postgresql" ? [403, 409] : [403];
    expect(expected).toContain(reason.status);
  });
});
