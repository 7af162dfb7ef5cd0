import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
} from "vitest";

import { createUser, insertPresupuesto } from "../../tests/support/fixtures";
import {
  openTempDatabase,
  setTestEnv,
  type TempDatabase,
} from "../../tests/support/temp-database";
import type { SessionUser } from "../auth/session";

type Snapshots = typeof import("./snapshots");

let database: TempDatabase;
let snapshots: Snapshots;

let loader: SessionUser;
let auditorA: SessionUser;
let auditorB: SessionUser;
let auditorC: SessionUser;

const defaultLimit = "200";

beforeAll(async () => {
  database = await openTempDatabase({ PENDIENTES_LIMIT: defaultLimit });
  snapshots = await import("./snapshots");
});

afterAll(async () => {
  await database.close();
});

beforeEach(async () => {
  await database.clear();
  loader = await createUser(database.db, "administrativo");
  auditorA = await createUser(database.db, "auditor_medico");
  auditorB = await createUser(database.db, "auditor_medico");
  auditorC = await createUser(database.db, "auditor_medico");
});

/** Returns the time `hours` after 2026-03-01T00:00:00Z. */
function at(hours: number): Date {
  return new Date(Date.UTC(2026, 2, 1) + hours * 3_600_000);
}

type Row = { urgente?: boolean; auditorId?: string | null; estado?: string };

function insert(hours: number, row: Row = {}) {
  return insertPresupuesto(database.db, {
    createdById: loader.id,
    createdAt: at(hours),
    ...row,
  });
}

describe("readPresupuestosSnapshots", () => {
  // Pending in the pool: poolOld, poolUrgent, poolNew. Pending and owned:
  // ownOld and ownUrgent by A, otherUrgent by B. Decided ones never show.
  let rows: Record<string, { id: string }>;

  beforeEach(async () => {
    rows = {
      ownOld: await insert(0, { auditorId: auditorA.id }),
      poolOld: await insert(24),
      otherUrgent: await insert(36, {
        urgente: true,
        auditorId: auditorB.id,
      }),
      poolUrgent: await insert(48, { urgente: true }),
      ownUrgent: await insert(72, { urgente: true, auditorId: auditorA.id }),
      poolNew: await insert(96),
      decidedPool: await insert(12, { estado: "APROBADO" }),
      decidedOwn: await insert(6, {
        estado: "RECHAZADO",
        auditorId: auditorA.id,
      }),
    };
  });

  const idsOf = (names: string[]) => names.map((name) => rows[name]!.id);

  it("merges own and pool items", async () => {
    const result = await snapshots.readPresupuestosSnapshots([auditorA.id]);
    const ids = result.get(auditorA.id)!.pendientes.map((item) => item.id);
    expect(ids).toEqual(
      idsOf(["poolUrgent", "ownUrgent", "ownOld", "poolOld", "poolNew"]),
    );
  });

  it("counts own and pool items", async () => {
    const result = await snapshots.readPresupuestosSnapshots([auditorA.id]);
    expect(result.get(auditorA.id)!.total).toBe(5);
  });

  it("reads several auditors at once", async () => {
    const result = await snapshots.readPresupuestosSnapshots([
      auditorA.id,
      auditorB.id,
      auditorC.id,
    ]);
    const idsFor = (auditorId: string) =>
      result.get(auditorId)!.pendientes.map((item) => item.id);
    expect(result.size).toBe(3);
    expect(idsFor(auditorB.id)).toEqual(
      idsOf(["otherUrgent", "poolUrgent", "poolOld", "poolNew"]),
    );
    expect(result.get(auditorB.id)!.total).toBe(4);
    expect(idsFor(auditorC.id)).toEqual(
      idsOf(["poolUrgent", "poolOld", "poolNew"]),
    );
    expect(result.get(auditorC.id)!.total).toBe(3);
  });

  it("shares one version per read", async () => {
    const first = await snapshots.readPresupuestosSnapshots([
      auditorA.id,
      auditorB.id,
    ]);
    const second = await snapshots.readPresupuestosSnapshots([auditorA.id]);
    const firstVersion = first.get(auditorA.id)!.version;
    expect(first.get(auditorB.id)!.version).toBe(firstVersion);
    expect(second.get(auditorA.id)!.version).toBeGreaterThan(firstVersion);
  });

  it("builds on a given pool and keeps its version", async () => {
    const pool = await snapshots.readPoolSnapshot();
    // A pending item added after the pool was read stays out of it.
    await insert(120);
    const result = await snapshots.readPresupuestosSnapshots(
      [auditorA.id, auditorC.id],
      async () => pool,
    );
    expect(result.get(auditorC.id)).toBe(pool);
    const merged = result.get(auditorA.id)!;
    expect(merged.version).toBe(pool.version);
    expect(merged.total).toBe(pool.total + 2);
    expect(merged.pendientes.map((item) => item.id)).toEqual(
      idsOf(["poolUrgent", "ownUrgent", "ownOld", "poolOld", "poolNew"]),
    );
  });

  it("serializes the pending item", async () => {
    const result = await snapshots.readPresupuestosSnapshots([auditorC.id]);
    const first = result.get(auditorC.id)!.pendientes[0];
    expect(first).toEqual({
      id: rows.poolUrgent!.id,
      numero: expect.stringMatching(/^P-1999-\d{6}$/),
      afiliado: "Lucía Martínez",
      afiliadoNumero: "40999888-02",
      prestador: "Hospital Alemán",
      descripcion: "Artroscopía de rodilla con reparación meniscal",
      monto: 3_500_000,
      urgente: true,
      createdAt: "2026-03-03T00:00:00.000Z",
      auditorId: null,
    });
  });

  it("returns an empty map for no auditors", async () => {
    const result = await snapshots.readPresupuestosSnapshots([]);
    expect(result.size).toBe(0);
  });
});

describe("readPresupuestosSnapshots ties", () => {
  it("orders equal times by numero", async () => {
    const pool = await insert(10);
    const own = await insert(10, { auditorId: auditorA.id });
    const result = await snapshots.readPresupuestosSnapshots([auditorA.id]);
    const ids = result.get(auditorA.id)!.pendientes.map((item) => item.id);
    expect(ids).toEqual([pool.id, own.id]);
  });
});

describe("readPresupuestosSnapshots PENDIENTES_LIMIT", () => {
  beforeEach(() => {
    setTestEnv({ PENDIENTES_LIMIT: "3" });
  });

  afterEach(() => {
    setTestEnv({ PENDIENTES_LIMIT: defaultLimit });
  });

  it("truncates the pool", async () => {
    const pool = [await insert(1), await insert(2), await insert(3)];
    await insert(4);
    await insert(5);
    const result = await snapshots.readPresupuestosSnapshots([auditorC.id]);
    const snapshot = result.get(auditorC.id)!;
    expect(snapshot.pendientes.map((item) => item.id)).toEqual(
      pool.map((row) => row.id),
    );
    expect(snapshot.total).toBe(5);
  });

  it("truncates the merged list", async () => {
    const first = await insert(1);
    const own = await insert(2, { auditorId: auditorA.id });
    const third = await insert(3);
    await insert(4);
    await insert(5, { auditorId: auditorA.id });
    const result = await snapshots.readPresupuestosSnapshots([auditorA.id]);
    const snapshot = result.get(auditorA.id)!;
    expect(snapshot.pendientes.map((item) => item.id)).toEqual([
      first.id,
      own.id,
      third.id,
    ]);
    expect(snapshot.total).toBe(5);
  });

  it("keeps urgent own items first", async () => {
    await insert(1);
    await insert(2);
    await insert(3);
    const ownUrgent = await insert(9, {
      urgente: true,
      auditorId: auditorA.id,
    });
    const result = await snapshots.readPresupuestosSnapshots([auditorA.id]);
    const snapshot = result.get(auditorA.id)!;
    expect(snapshot.pendientes).toHaveLength(3);
    expect(snapshot.pendientes[0]?.id).toBe(ownUrgent.id);
  });
});

describe("readNotificationSnapshots", () => {
  async function insertNotification(userId: string, read = false) {
    return database.db.notification.create({
      data: {
        userId,
        type: "presupuesto.nuevo",
        title: "Nuevo presupuesto",
        message: "Lucía Martínez · Hospital Alemán",
        readAt: read ? new Date() : null,
      },
    });
  }

  it("reads counts and cursors together", async () => {
    await insertNotification(auditorA.id);
    const latestC = await insertNotification(auditorC.id);
    await insertNotification(auditorA.id, true);
    const latestA = await insertNotification(auditorA.id);

    const result = await snapshots.readNotificationSnapshots([
      auditorA.id,
      auditorB.id,
      auditorC.id,
    ]);

    expect(result.get(auditorA.id)).toMatchObject({
      count: 2,
      cursor: latestA.id,
    });
    expect(result.get(auditorB.id)).toMatchObject({ count: 0, cursor: 0 });
    expect(result.get(auditorC.id)).toMatchObject({
      count: 1,
      cursor: latestC.id,
    });
  });

  it("uses a read one as cursor", async () => {
    await insertNotification(auditorA.id);
    const latest = await insertNotification(auditorA.id, true);
    const result = await snapshots.readNotificationSnapshots([auditorA.id]);
    expect(result.get(auditorA.id)).toMatchObject({
      count: 1,
      cursor: latest.id,
    });
  });

  it("ignores users not requested", async () => {
    await insertNotification(auditorB.id);
    const result = await snapshots.readNotificationSnapshots([auditorA.id]);
    expect([...result.keys()]).toEqual([auditorA.id]);
  });

  it("shares one version per read", async () => {
    const first = await snapshots.readNotificationSnapshots([
      auditorA.id,
      auditorB.id,
    ]);
    const second = await snapshots.readNotificationSnapshots([auditorA.id]);
    const firstVersion = first.get(auditorA.id)!.version;
    expect(first.get(auditorB.id)!.version).toBe(firstVersion);
    expect(second.get(auditorA.id)!.version).toBeGreaterThan(firstVersion);
  });
});
