import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";

import {
  newPresupuesto,
  request,
  sessionUserId,
  signInAll,
  type Sessions,
} from "../support/api";
import { demoAccounts, signIn } from "../support/auth";
import { waitForList, waitForSnapshots } from "../support/events";
import { startServer, type TestServer } from "../support/server";
import { insertUsers, openServerDatabase } from "../support/server-database";
import { openStream, type StreamClient } from "../support/sse-client";
import { sleep, withTimeout } from "../support/timing";

// A stream lives no longer than the session behind it. It ends with a
// `session` event when the session token expires, when an admin
// deactivates the user, or when the user's role changes. The token stops
// counting at the same moment, so the reconnection gets 401.

type SessionEnd = { reason: string; message: string };

const openedStreams: StreamClient[] = [];

async function open(server: TestServer, cookie: string): Promise<StreamClient> {
  const stream = await openStream(server.baseUrl, cookie);
  openedStreams.push(stream);
  return stream;
}

/** Waits for the `session` event and the end of the stream after it. */
async function waitForSessionEnd(
  stream: StreamClient,
  timeoutMs: number,
): Promise<SessionEnd> {
  const event = await stream.waitFor((item) => item.event === "session", {
    from: 0,
    timeoutMs,
  });
  await withTimeout(stream.closed, 5_000, "stream end after session event");
  return JSON.parse(event.data) as SessionEnd;
}

afterEach(async () => {
  const streams = openedStreams.splice(0);
  for (const stream of streams) stream.close();
  await Promise.all(streams.map((stream) => stream.closed));
});

describe("session expiry", () => {
  const maxAgeS = 4;
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({
      env: { SESSION_MAX_AGE_S: String(maxAgeS) },
    });
  });

  afterAll(async () => {
    await server?.stop();
  });

  test("expired session ends the stream", async () => {
    const signInStartedAt = Date.now();
    const cookie = await signIn(server.baseUrl, demoAccounts.auditor);
    const stream = await open(server, cookie);
    await waitForSnapshots(stream, true);

    const end = await waitForSessionEnd(stream, (maxAgeS + 4) * 1000);
    const lifetimeMs = Date.now() - signInStartedAt;
    const reconnect = await open(server, cookie);

    // The token's expiry has a resolution of one second, and the sweep
    // checks it once a second.
    expect(lifetimeMs).toBeGreaterThanOrEqual((maxAgeS - 1) * 1000);
    expect(lifetimeMs).toBeLessThanOrEqual((maxAgeS + 3) * 1000);
    expect(end.reason).toBe("session_expired");
    expect(end.message).not.toBe("");
    expect(stream.events.at(-1)?.event).toBe("session");
    expect(reconnect.status).toBe(401);
  });
});

describe("user changes by an admin", () => {
  let server: TestServer;
  let sessions: Sessions;
  /** One fresh account per case, since each case ends its session. */
  const accounts = {
    deactivated: { email: "", cookie: "", id: "" },
    roleChanged: { email: "", cookie: "", id: "" },
    switched: { email: "", cookie: "", id: "" },
  };

  beforeAll(async () => {
    server = await startServer();
    sessions = await signInAll(server.baseUrl);
    const db = openServerDatabase(server.dataDir);
    const [loader] = await insertUsers(db, "administrativo", 1, "loader");
    const auditors = await insertUsers(db, "auditor_medico", 2, "auditor");
    await db.$disconnect();
    for (const [key, email] of [
      ["deactivated", loader!],
      ["roleChanged", auditors[0]!],
      ["switched", auditors[1]!],
    ] as const) {
      const cookie = await signIn(server.baseUrl, email);
      const id = await sessionUserId(server.baseUrl, cookie);
      accounts[key] = { email, cookie, id };
    }
  });

  afterAll(async () => {
    await server?.stop();
  });

  function patchUser(id: string, body: Record<string, unknown>) {
    return request(server.baseUrl, `/api/usuarios/${id}`, {
      method: "PATCH",
      cookie: sessions.admin,
      body,
    });
  }

  test.each([
    {
      change: "deactivation",
      account: "deactivated",
      patch: { active: false },
      isAuditor: false,
      reason: "deactivated",
      signsInAgain: false,
    },
    {
      change: "role change",
      account: "roleChanged",
      patch: { rol: "administrativo" },
      isAuditor: true,
      reason: "role_changed",
      signsInAgain: true,
    },
  ] as const)(
    "$change ends every stream",
    async ({ account, patch, isAuditor, reason, signsInAgain }) => {
      const { email, cookie, id } = accounts[account];
      const streams = [await open(server, cookie), await open(server, cookie)];
      for (const stream of streams) await waitForSnapshots(stream, isAuditor);

      const response = await patchUser(id, patch);
      const ends = await Promise.all(
        streams.map((stream) => waitForSessionEnd(stream, 10_000)),
      );
      const reconnect = await open(server, cookie);
      const count = await request(server.baseUrl, "/api/notificaciones/count", {
        cookie,
      });
      const signedIn = await signIn(server.baseUrl, email).then(
        () => true,
        () => false,
      );

      expect(response.status).toBe(200);
      expect(ends.map((end) => end.reason)).toEqual([reason, reason]);
      expect(ends.every((end) => end.message !== "")).toBe(true);
      expect(reconnect.status).toBe(401);
      expect(count.status).toBe(401);
      expect(signedIn).toBe(signsInAgain);
    },
  );

  test("changed auditor gets no presupuestos", async () => {
    const { email, cookie, id } = accounts.switched;
    const before = await open(server, cookie);
    await waitForSnapshots(before, true);
    const patched = await patchUser(id, { rol: "administrativo" });
    await waitForSessionEnd(before, 10_000);

    const renewed = await signIn(server.baseUrl, email);
    const after = await open(server, renewed);
    const auditor = await open(server, sessions.auditor);
    await waitForSnapshots(after, false);
    await waitForSnapshots(auditor, true);
    const mark = auditor.events.length;
    const created = await request<{ id: string }>(
      server.baseUrl,
      "/api/presupuestos",
      { cookie: sessions.administrativo, body: newPresupuesto() },
    );
    // One flush sends the new list to every auditor stream, so once the
    // demo auditor has it, the flush is over for every stream.
    await waitForList(auditor, created.body.id, true, mark);
    await sleep(300);

    expect(patched.status).toBe(200);
    expect(created.status).toBe(201);
    expect(before.events.at(-1)?.event).toBe("session");
    expect(after.events.map((event) => event.event)).not.toContain(
      "presupuestos",
    );
  });
});
