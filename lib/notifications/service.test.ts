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
  recordBus,
  type BusRecorder,
} from "../../tests/support/fixtures";
import {
  openTempDatabase,
  type TempDatabase,
} from "../../tests/support/temp-database";
import type { SessionUser } from "../auth/session";
import { AppError } from "../errors";

type Service = typeof import("./service");

let database: TempDatabase;
let service: Service;

let user: SessionUser;
let otherUser: SessionUser;
let recorder: BusRecorder | undefined;

beforeAll(async () => {
  database = await openTempDatabase();
  service = await import("./service");
});

afterAll(async () => {
  await database.close();
});

beforeEach(async () => {
  await database.clear();
  user = await createUser(database.db, "auditor_medico");
  otherUser = await createUser(database.db, "auditor_medico");
});

afterEach(() => {
  recorder?.stop();
  recorder = undefined;
});

/** Inserts `count` notifications for `userId` and returns their ids. */
async function insertNotifications(
  userId: string,
  count: number,
  readAt: Date | null = null,
): Promise<number[]> {
  const ids: number[] = [];
  for (let index = 1; index <= count; index++) {
    const row = await database.db.notification.create({
      data: {
        userId,
        type: "presupuesto.nuevo",
        title: `Nuevo presupuesto ${index}`,
        message: "Lucía Martínez · Hospital Alemán",
        link: "/auditoria",
        readAt,
      },
    });
    ids.push(row.id);
  }
  return ids;
}

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("insertNotifications", () => {
  it("inserts inside the transaction", async () => {
    await database.db.$transaction((tx) =>
      service.insertNotifications(tx, [
        { userId: user.id, type: "t", title: "Uno", message: "m" },
        { userId: otherUser.id, type: "t", title: "Dos", message: "m" },
      ]),
    );
    expect(await database.db.notification.count()).toBe(2);
  });

  it("rolls back with the transaction", async () => {
    const failing = database.db.$transaction(async (tx) => {
      await service.insertNotifications(tx, [
        { userId: user.id, type: "t", title: "Uno", message: "m" },
      ]);
      throw new Error("abort the transaction");
    });
    await expect(failing).rejects.toThrow("abort the transaction");
    expect(await database.db.notification.count()).toBe(0);
  });

  it("accepts an empty list", async () => {
    await database.db.$transaction((tx) => service.insertNotifications(tx, []));
    expect(await database.db.notification.count()).toBe(0);
  });
});

describe("countUnread", () => {
  it("counts only unread ones", async () => {
    await insertNotifications(user.id, 3);
    await insertNotifications(user.id, 2, new Date());
    expect(await service.countUnread(user.id)).toBe(3);
  });

  it("counts only the user's", async () => {
    await insertNotifications(user.id, 1);
    await insertNotifications(otherUser.id, 4);
    expect(await service.countUnread(user.id)).toBe(1);
  });

  it("returns zero without notifications", async () => {
    expect(await service.countUnread(user.id)).toBe(0);
  });
});

describe("listNotifications", () => {
  it("lists newest first", async () => {
    const ids = await insertNotifications(user.id, 3);
    const page = await service.listNotifications(user.id, { limit: 20 });
    expect(page.notifications.map((row) => row.id)).toEqual([...ids].reverse());
  });

  it("returns no cursor on the last page", async () => {
    await insertNotifications(user.id, 3);
    const page = await service.listNotifications(user.id, { limit: 3 });
    expect(page.nextCursor).toBeNull();
  });

  it("pages with the cursor", async () => {
    const ids = await insertNotifications(user.id, 5);
    const [first, second, third, fourth, fifth] = ids as [
      number,
      number,
      number,
      number,
      number,
    ];

    const page1 = await service.listNotifications(user.id, { limit: 2 });
    const page2 = await service.listNotifications(user.id, {
      limit: 2,
      cursor: page1.nextCursor!,
    });
    const page3 = await service.listNotifications(user.id, {
      limit: 2,
      cursor: page2.nextCursor!,
    });

    expect(page1.notifications.map((row) => row.id)).toEqual([fifth, fourth]);
    expect(page1.nextCursor).toBe(fourth);
    expect(page2.notifications.map((row) => row.id)).toEqual([third, second]);
    expect(page2.nextCursor).toBe(second);
    expect(page3.notifications.map((row) => row.id)).toEqual([first]);
    expect(page3.nextCursor).toBeNull();
  });

  it("lists only the user's", async () => {
    await insertNotifications(otherUser.id, 2);
    const ids = await insertNotifications(user.id, 1);
    const page = await service.listNotifications(user.id, { limit: 20 });
    expect(page.notifications.map((row) => row.id)).toEqual(ids);
  });

  it("filters unread ones", async () => {
    const unread = await insertNotifications(user.id, 2);
    await insertNotifications(user.id, 2, new Date());
    const page = await service.listNotifications(user.id, {
      limit: 20,
      unread: "true",
    });
    expect(page.notifications.map((row) => row.id)).toEqual(
      [...unread].reverse(),
    );
  });

  it("includes the unread count", async () => {
    await insertNotifications(user.id, 2);
    await insertNotifications(user.id, 1, new Date());
    const page = await service.listNotifications(user.id, { limit: 1 });
    expect(page.unread).toBe(2);
  });

  it("serializes dates as ISO strings", async () => {
    const readAt = new Date("2026-03-01T12:30:00.000Z");
    await insertNotifications(user.id, 1, readAt);
    const page = await service.listNotifications(user.id, { limit: 20 });
    const [notification] = page.notifications;
    expect(notification?.readAt).toBe("2026-03-01T12:30:00.000Z");
    expect(notification?.createdAt).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
    expect(notification).toMatchObject({
      type: "presupuesto.nuevo",
      title: "Nuevo presupuesto 1",
      message: "Lucía Martínez · Hospital Alemán",
      link: "/auditoria",
    });
  });
});

describe("markRead", () => {
  it("marks the notification read", async () => {
    const [id] = (await insertNotifications(user.id, 2)) as [number];
    const result = await service.markRead(user.id, id);
    const row = await database.db.notification.findUniqueOrThrow({
      where: { id },
    });
    expect(row.readAt).toBeInstanceOf(Date);
    expect(result).toEqual({ count: 1 });
  });

  it("publishes the user's id", async () => {
    const [id] = (await insertNotifications(user.id, 1)) as [number];
    recorder = recordBus();
    await service.markRead(user.id, id);
    expect(recorder.messages).toEqual([
      { type: "notifications", userIds: [user.id] },
    ]);
  });

  it("rejects an unknown id with 404", async () => {
    const error = await rejection(service.markRead(user.id, 999_999));
    expect(error.status).toBe(404);
    expect(error.message).toBe("La notificación 999999 no existe.");
  });

  it("rejects another user's with 403", async () => {
    const [id] = (await insertNotifications(otherUser.id, 1)) as [number];
    const error = await rejection(service.markRead(user.id, id));
    const row = await database.db.notification.findUniqueOrThrow({
      where: { id },
    });
    expect(error.status).toBe(403);
    expect(row.readAt).toBeNull();
  });

  it("keeps the first read time", async () => {
    const [id] = (await insertNotifications(user.id, 1)) as [number];
    await service.markRead(user.id, id);
    const first = await database.db.notification.findUniqueOrThrow({
      where: { id },
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const result = await service.markRead(user.id, id);
    const second = await database.db.notification.findUniqueOrThrow({
      where: { id },
    });
    expect(second.readAt).toEqual(first.readAt);
    expect(result).toEqual({ count: 0 });
  });

  it("publishes nothing when repeated", async () => {
    const [id] = (await insertNotifications(user.id, 1)) as [number];
    await service.markRead(user.id, id);
    recorder = recordBus();
    await service.markRead(user.id, id);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(recorder.messages).toEqual([]);
  });
});

describe("markAllRead", () => {
  it("marks every unread one", async () => {
    await insertNotifications(user.id, 3);
    await insertNotifications(user.id, 1, new Date());
    const result = await service.markAllRead(user.id);
    expect(result).toEqual({ marked: 3, count: 0 });
    expect(await service.countUnread(user.id)).toBe(0);
  });

  it("leaves other users' unread", async () => {
    await insertNotifications(user.id, 1);
    await insertNotifications(otherUser.id, 2);
    await service.markAllRead(user.id);
    expect(await service.countUnread(otherUser.id)).toBe(2);
  });

  it("publishes once for the user", async () => {
    await insertNotifications(user.id, 3);
    recorder = recordBus();
    await service.markAllRead(user.id);
    expect(recorder.messages).toEqual([
      { type: "notifications", userIds: [user.id] },
    ]);
  });

  it("does nothing when all are read", async () => {
    await insertNotifications(user.id, 2, new Date());
    recorder = recordBus();
    const result = await service.markAllRead(user.id);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(result).toEqual({ marked: 0, count: 0 });
    expect(recorder.messages).toEqual([]);
  });
});
