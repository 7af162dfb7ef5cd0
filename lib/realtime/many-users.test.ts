import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createUser, insertPresupuesto } from "../../tests/support/fixtures";
import {
  openTempDatabase,
  type TempDatabase,
} from "../../tests/support/temp-database";

// SQLite binds at most 999 values per statement, and some snapshot reads
// bind up to three per user, so these reads must work past 333 users.

let database: TempDatabase;
let snapshots: typeof import("./snapshots");
let events: typeof import("./notification-events");
let userStates: typeof import("./user-states");

const userCount = 1_100;
const ids = Array.from({ length: userCount }, (_, index) => `user-${index}`);

beforeAll(async () => {
  database = await openTempDatabase();
  snapshots = await import("./snapshots");
  events = await import("./notification-events");
  userStates = await import("./user-states");
});

afterAll(async () => {
  await database.close();
});

describe("reads for many users", () => {
  it("presupuestos snapshots cover all", async () => {
    const auditor = await createUser(database.db, "auditor_medico");
    const loader = await createUser(database.db, "administrativo");
    await insertPresupuesto(database.db, {
      createdById: loader.id,
      auditorId: auditor.id,
    });
    const result = await snapshots.readPresupuestosSnapshots([
      ...ids,
      auditor.id,
    ]);
    expect(result.size).toBe(userCount + 1);
    expect(result.get(auditor.id)?.pendientes).toHaveLength(1);
    expect(result.get("user-0")?.pendientes).toHaveLength(0);
  });

  it("notification snapshots cover all", async () => {
    const result = await snapshots.readNotificationSnapshots(ids);
    expect(result.size).toBe(userCount);
  });

  it("missed notifications cover all", async () => {
    const ranges = new Map(ids.map((id) => [id, { after: 0, upTo: 10 }]));
    const result = await events.readNotificationsBetween(ranges);
    expect(result.size).toBe(0);
  });

  it("user states cover all", async () => {
    const result = await userStates.readUserStates(ids);
    expect(result.size).toBe(0);
  });
});
