import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { createUser, insertPresupuesto } from "../../tests/support/fixtures";
import {
  openTempDatabase,
  type TempDatabase,
} from "../../tests/support/temp-database";
import type { SessionUser } from "../auth/session";
import { createSseParser, type ParsedEvent } from "../sse/parse";
import { Connection } from "./connection";

let database: TempDatabase;
let dispatch: typeof import("./dispatch");
let snapshots: typeof import("./snapshots");

let loader: SessionUser;
let auditor: SessionUser;
/** Ids of the loader's three notifications, oldest first. */
let notificationIds: number[];

beforeAll(async () => {
  database = await openTempDatabase();
  dispatch = await import("./dispatch");
  snapshots = await import("./snapshots");
});

afterAll(async () => {
  await database.close();
});

beforeEach(async () => {
  await database.clear();
  loader = await createUser(database.db, "administrativo");
  auditor = await createUser(database.db, "auditor_medico");
  await insertPresupuesto(database.db, { createdById: loader.id });
  notificationIds = [];
  for (let index = 0; index < 3; index++) {
    notificationIds.push(await notify(loader.id));
  }
});

async function notify(userId: string): Promise<number> {
  const row = await database.db.notification.create({
    data: { userId, type: "test", title: "Aviso", message: "Mensaje" },
  });
  return row.id;
}

/** Opens a stream of `user`, resumed after `cursor` when one is given. */
function stream(user: SessionUser, cursor: number | null = null) {
  const connection = new Connection(
    crypto.randomUUID(),
    user.id,
    user.rol,
    Date.now() + 60_000,
    1 << 20,
    () => {},
  );
  if (cursor !== null) {
    connection.cursor = cursor;
    connection.replays = true;
  }
  const reader = connection.stream.getReader();
  const chunks: string[] = [];
  const decoder = new TextDecoder();
  /** Returns what was written so far, one string per chunk. */
  const written = async () => {
    connection.close("client_closed");
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return chunks;
      chunks.push(decoder.decode(value));
    }
  };
  return { connection, written };
}

function parseSseText(text: string): ParsedEvent[] {
  const events: ParsedEvent[] = [];
  createSseParser({ onEvent: (event) => events.push(event) })(text);
  return events;
}

const names = (chunks: string[]) =>
  parseSseText(chunks.join("")).map((event) => event.event);

describe("dispatchInitial", () => {
  it("sends each stream its events as one chunk", async () => {
    const streams = [stream(loader), stream(auditor)];
    await dispatch.dispatchInitial(
      streams.map(({ connection }) => connection),
      snapshots.readPoolSnapshot,
    );
    const [loaderChunks, auditorChunks] = [
      await streams[0]!.written(),
      await streams[1]!.written(),
    ];
    expect(loaderChunks).toHaveLength(1);
    expect(names(loaderChunks)).toEqual(["notifications"]);
    expect(auditorChunks).toHaveLength(1);
    expect(names(auditorChunks)).toEqual(["notifications", "presupuestos"]);
  });

  it("replays missed notifications only to resumed streams", async () => {
    const resumed = stream(loader, notificationIds[0]!);
    const fresh = stream(loader);
    await dispatch.dispatchInitial(
      [resumed.connection, fresh.connection],
      snapshots.readPoolSnapshot,
    );
    const replayed = parseSseText((await resumed.written()).join(""));
    expect(replayed.map((event) => event.event)).toEqual([
      "notification",
      "notification",
      "notifications",
    ]);
    expect(replayed.map((event) => Number(event.id.split("-")[0]))).toEqual([
      notificationIds[1],
      notificationIds[2],
      notificationIds[2],
    ]);
    expect(names(await fresh.written())).toEqual(["notifications"]);
  });
});

describe("dispatchNotifications", () => {
  it("sends no history to a stream awaiting its snapshot", async () => {
    const fresh = stream(loader);
    await dispatch.dispatchNotifications(
      new Map([[loader.id, [fresh.connection]]]),
    );
    expect(fresh.connection.cursor).toBe(notificationIds[2]);
    const newer = await notify(loader.id);
    await dispatch.dispatchNotifications(
      new Map([[loader.id, [fresh.connection]]]),
    );
    const events = parseSseText((await fresh.written()).join(""));
    expect(events.map((event) => event.event)).toEqual([
      "notifications",
      "notification",
      "notifications",
    ]);
    expect(JSON.parse(events[1]!.data).id).toBe(newer);
  });
});
