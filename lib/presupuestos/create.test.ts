import Database from "better-sqlite3";
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
  presupuestoInput,
  recordBus,
  toSessionUser,
  type BusRecorder,
} from "../../tests/support/fixtures";
import {
  openTempDatabase,
  type TempDatabase,
  testProvider,
} from "../../tests/support/temp-database";
import type { SessionUser } from "../auth/session";

let database: TempDatabase;
let createPresupuesto: typeof import("./create").createPresupuesto;
let seedDemoData: typeof import("../db/seed").seedDemoData;

const year = new Date().getUTCFullYear();

beforeAll(async () => {
  database = await openTempDatabase();
  ({ createPresupuesto } = await import("./create"));
  ({ seedDemoData } = await import("../db/seed"));
});

afterAll(async () => {
  await database.close();
});

describe("createPresupuesto numbering", () => {
  let loader: SessionUser;

  beforeEach(async () => {
    await database.clear();
    loader = await createUser(database.db, "administrativo");
  });

  it("numbers the first one 000001", async () => {
    const created = await createPresupuesto(loader, presupuestoInput());
    expect(created.numero).toBe(`P-${year}-000001`);
  });

  it("increments the number", async () => {
    await createPresupuesto(loader, presupuestoInput());
    const second = await createPresupuesto(loader, presupuestoInput());
    expect(second.numero).toBe(`P-${year}-000002`);
  });

  it("numbers concurrent creations distinctly", async () => {
    const created = await Promise.all(
      Array.from({ length: 5 }, () =>
        createPresupuesto(loader, presupuestoInput()),
      ),
    );
    const numeros = created.map((presupuesto) => presupuesto.numero).sort();
    expect(numeros).toEqual([
      `P-${year}-000001`,
      `P-${year}-000002`,
      `P-${year}-000003`,
      `P-${year}-000004`,
      `P-${year}-000005`,
    ]);
  });

  it("stores the year's last number", async () => {
    await createPresupuesto(loader, presupuestoInput());
    await createPresupuesto(loader, presupuestoInput());
    const sequence = await database.db.presupuestoSequence.findUnique({
      where: { year },
    });
    expect(sequence?.last).toBe(2);
  });
});

describe("createPresupuesto after seeding", () => {
  it("continues the seeded numbering", async () => {
    await database.clear();
    const seeded = await seedDemoData(database.db);
    expect(seeded).toBe(true);
    const loader = toSessionUser(
      await database.db.user.findUniqueOrThrow({
        where: { email: "administrativo@example.com" },
      }),
    );

    const created = await createPresupuesto(loader, presupuestoInput());

    expect(created.numero).toBe(`P-${year}-000041`);
  });
});

describe("createPresupuesto stored row", () => {
  let loader: SessionUser;

  beforeEach(async () => {
    await database.clear();
    loader = await createUser(database.db, "administrativo");
  });

  it("returns a pending unassigned DTO", async () => {
    const created = await createPresupuesto(loader, presupuestoInput());
    expect(created).toMatchObject({
      afiliado: "María Fernanda Gómez",
      afiliadoNumero: "40123456-01",
      prestador: "Sanatorio Güemes",
      monto: 1234.5,
      urgente: false,
      estado: "PENDIENTE",
      version: 1,
      auditorId: null,
      createdById: loader.id,
    });
  });

  it("stores the amount in centavos", async () => {
    const created = await createPresupuesto(
      loader,
      presupuestoInput({ monto: 1234567.89 }),
    );
    const row = await database.db.presupuesto.findUniqueOrThrow({
      where: { id: created.id },
    });
    expect(row.montoCentavos).toBe(123456789n);
  });

  it("records the creation event", async () => {
    const created = await createPresupuesto(loader, presupuestoInput());
    const eventos = await database.db.presupuestoEvento.findMany({
      where: { presupuestoId: created.id },
    });
    expect(eventos).toHaveLength(1);
    expect(eventos[0]).toMatchObject({
      userId: loader.id,
      fromEstado: null,
      toEstado: "PENDIENTE",
      comentario: null,
    });
  });

  it("rejects an amount with three decimals", async () => {
    await expect(
      createPresupuesto(loader, presupuestoInput({ monto: 10.005 })),
    ).rejects.toThrow("monto 10.005 passed validation with >2 decimals");
    expect(await database.db.presupuesto.count()).toBe(0);
  });
});

describe("createPresupuesto notifications", () => {
  let loader: SessionUser;
  let auditor1: SessionUser;
  let auditor2: SessionUser;

  beforeEach(async () => {
    await database.clear();
    loader = await createUser(database.db, "administrativo");
    auditor1 = await createUser(database.db, "auditor_medico");
    auditor2 = await createUser(database.db, "auditor_medico");
    await createUser(database.db, "auditor_medico", { active: false });
    await createUser(database.db, "admin");
  });

  it("notifies every active auditor", async () => {
    await createPresupuesto(loader, presupuestoInput());
    const notifications = await database.db.notification.findMany();
    const recipients = notifications.map((row) => row.userId).sort();
    expect(recipients).toEqual([auditor1.id, auditor2.id].sort());
  });

  it("words the notification", async () => {
    await createPresupuesto(loader, presupuestoInput());
    const notification = await database.db.notification.findFirstOrThrow({
      where: { userId: auditor1.id },
    });
    expect(notification).toMatchObject({
      type: "presupuesto.nuevo",
      title: `Nuevo presupuesto P-${year}-000001`,
      message: "María Fernanda Gómez · Sanatorio Güemes · $\u00a01.234,50",
      link: "/auditoria",
      readAt: null,
    });
  });

  it("marks an urgent one in the title", async () => {
    await createPresupuesto(loader, presupuestoInput({ urgente: true }));
    const notification = await database.db.notification.findFirstOrThrow({
      where: { userId: auditor1.id },
    });
    expect(notification.title).toBe(
      `Urgente: nuevo presupuesto P-${year}-000001`,
    );
  });
});

// The commit check reads the SQLite file synchronously from inside the bus
// listener, which a PostgreSQL client cannot do, so it runs on SQLite only.
describe.skipIf(testProvider === "postgresql")(
  "createPresupuesto bus messages",
  () => {
    let loader: SessionUser;
    let auditor1: SessionUser;
    let auditor2: SessionUser;
    let recorder: BusRecorder;
    let reader: Database.Database;

    beforeEach(async () => {
      await database.clear();
      loader = await createUser(database.db, "administrativo");
      auditor1 = await createUser(database.db, "auditor_medico");
      auditor2 = await createUser(database.db, "auditor_medico");
      reader = new Database(database.file, { readonly: true });
    });

    afterEach(() => {
      recorder.stop();
      reader.close();
    });

    it("publishes both messages", async () => {
      recorder = recordBus();
      await createPresupuesto(loader, presupuestoInput());
      // The auditors are read without an order, so compare their ids sorted.
      const messages = recorder.messages.map((message) =>
        message.type === "notifications"
          ? { ...message, userIds: [...message.userIds].sort() }
          : message,
      );
      expect(messages).toEqual([
        { type: "presupuestos" },
        { type: "notifications", userIds: [auditor1.id, auditor2.id].sort() },
      ]);
    });

    it("publishes only after the commit", async () => {
      // A second connection reads only committed rows, so its counts at each
      // delivery show whether the transaction had committed by then.
      const visible: Array<{ presupuestos: number; notifications: number }> =
        [];
      recorder = recordBus(() => {
        const count = (table: string) =>
          (
            reader.prepare(`SELECT COUNT(*) AS n FROM "${table}"`).get() as {
              n: number;
            }
          ).n;
        visible.push({
          presupuestos: count("Presupuesto"),
          notifications: count("Notification"),
        });
      });

      await createPresupuesto(loader, presupuestoInput());

      expect(visible).toEqual([
        { presupuestos: 1, notifications: 2 },
        { presupuestos: 1, notifications: 2 },
      ]);
    });

    it("publishes nothing on a failed creation", async () => {
      recorder = recordBus();
      const unknownUser: SessionUser = { ...loader, id: "no-such-user" };
      await expect(
        createPresupuesto(unknownUser, presupuestoInput()),
      ).rejects.toThrow();
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(recorder.messages).toEqual([]);
    });

    it("rolls back a failed creation", async () => {
      recorder = recordBus();
      const unknownUser: SessionUser = { ...loader, id: "no-such-user" };
      await expect(
        createPresupuesto(unknownUser, presupuestoInput()),
      ).rejects.toThrow();
      expect(await database.db.presupuesto.count()).toBe(0);
      expect(await database.db.notification.count()).toBe(0);
      expect(await database.db.presupuestoSequence.count()).toBe(0);
    });
  },
);
