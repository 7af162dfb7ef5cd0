import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";

import {
  pollUntil,
  signInAll,
  type ErrorBody,
  type Sessions,
} from "../support/api";
import { signIn } from "../support/auth";
import { waitForSnapshots } from "../support/events";
import { readHealth } from "../support/health";
import { openRawStream, type RawStream } from "../support/raw-stream";
import { startServer, type TestServer } from "../support/server";
import { insertUsers, openServerDatabase } from "../support/server-database";
import { openStream, type StreamClient } from "../support/sse-client";
import { sleep, withTimeout } from "../support/timing";

// Limits on open streams. Past SSE_MAX_STREAMS_PER_USER the user's oldest
// stream is closed, past SSE_MAX_STREAMS new streams get 503, and streams
// whose clients vanish without a clean close are released.

/** SSE_MAX_STREAMS_PER_USER's default in lib/env.ts. */
const perUserLimit = 10;
/** SSE_HEARTBEAT_MS, short so that heartbeats go out while clients drop. */
const heartbeatMs = 200;
/** Users for the 200 dropped clients, each at the per-user limit. */
const droppedClientUsers = 20;

/** The server with default limits, for all but the per-instance tests. */
let server: TestServer;
let sessions: Sessions;
let droppedClientCookies: string[];
const openedStreams: StreamClient[] = [];

async function open(server: TestServer, cookie: string): Promise<StreamClient> {
  const stream = await openStream(server.baseUrl, cookie);
  openedStreams.push(stream);
  return stream;
}

beforeAll(async () => {
  server = await startServer({
    env: { SSE_HEARTBEAT_MS: String(heartbeatMs) },
  });
  sessions = await signInAll(server.baseUrl);
  const db = openServerDatabase(server.dataDir);
  const emails = await insertUsers(
    db,
    "administrativo",
    droppedClientUsers,
    "dropped",
  );
  await db.$disconnect();
  droppedClientCookies = await Promise.all(
    emails.map((email) => signIn(server.baseUrl, email)),
  );
});

afterEach(async () => {
  const streams = openedStreams.splice(0);
  for (const stream of streams) stream.close();
  await Promise.all(streams.map((stream) => stream.closed));
});

afterAll(async () => {
  await server?.stop();
});

describe("per-user stream limit", () => {
  test("extra stream closes the oldest", async () => {
    const streams: StreamClient[] = [];
    for (let index = 0; index <= perUserLimit; index++) {
      const stream = await open(server, sessions.administrativo);
      await waitForSnapshots(stream, false);
      streams.push(stream);
    }
    const [oldest, ...newer] = streams;

    const closing = await oldest!.waitFor(
      (event) => event.event === "closing",
      { from: 0 },
    );
    await withTimeout(oldest!.closed, 5_000, "end of the oldest stream");
    const data = JSON.parse(closing.data) as {
      reason: string;
      message: string;
    };
    const health = await pollUntil(
      () => readHealth(server.baseUrl),
      (value) => value.streams.open === perUserLimit,
    );

    expect(data.reason).toBe("stream_limit");
    expect(data.message).toContain(String(perUserLimit));
    expect(oldest!.events.at(-1)?.event).toBe("closing");
    expect(
      newer.filter((stream) =>
        stream.events.some((event) => event.event === "closing"),
      ),
    ).toEqual([]);
    expect(health.streams.open).toBe(perUserLimit);
  });
});

describe("abruptly dropped clients", () => {
  test.each([
    {
      drop: "reset",
      close: (stream: RawStream) => stream.socket.resetAndDestroy(),
    },
    { drop: "FIN", close: (stream: RawStream) => stream.socket.destroy() },
  ])(
    "200 clients dropped by $drop",
    async ({ close }) => {
      const streams: RawStream[] = [];
      for (const cookie of droppedClientCookies) {
        for (let index = 0; index < perUserLimit; index++) {
          streams.push(await openRawStream(server.baseUrl, cookie));
        }
      }
      await Promise.all(
        streams.map((stream) =>
          stream.waitForText("event: notifications", 20_000),
        ),
      );
      const opened = await pollUntil(
        () => readHealth(server.baseUrl),
        (value) => value.streams.open === streams.length,
        10_000,
      );
      // Half a heartbeat interval later, so that the drop falls between
      // two heartbeats rather than right after the opening snapshots.
      await sleep(heartbeatMs / 2);

      for (const stream of streams) close(stream);
      await Promise.all(streams.map((stream) => stream.closed));
      const released = await pollUntil(
        () => readHealth(server.baseUrl),
        (value) => value.streams.open === 0 && value.bus.subscribers === 0,
        10_000,
      );

      expect(streams.length).toBe(200);
      expect(opened.streams.open).toBe(200);
      expect(server.process.exitCode).toBeNull();
      expect(released.status).toBe("ok");
      expect(released.streams.open).toBe(0);
      expect(released.bus.subscribers).toBe(0);
    },
    60_000,
  );
});

describe("per-instance stream limit", () => {
  const maxStreams = 3;
  let limited: TestServer;
  let limitedSessions: Sessions;

  beforeAll(async () => {
    limited = await startServer({
      env: { SSE_MAX_STREAMS: String(maxStreams) },
    });
    limitedSessions = await signInAll(limited.baseUrl);
  });

  afterAll(async () => {
    await limited?.stop();
  });

  /** Waits for the previous test's streams to close, then opens three. */
  async function openUpToLimit(): Promise<StreamClient[]> {
    await pollUntil(
      () => readHealth(limited.baseUrl),
      (value) => value.streams.open === 0,
    );
    const streams = [
      await open(limited, limitedSessions.auditor),
      await open(limited, limitedSessions.auditor2),
      await open(limited, limitedSessions.administrativo),
    ];
    await waitForSnapshots(streams[0]!, true);
    await waitForSnapshots(streams[1]!, true);
    await waitForSnapshots(streams[2]!, false);
    return streams;
  }

  test("stream past the limit gets 503", async () => {
    await openUpToLimit();

    const rejected = await open(limited, limitedSessions.admin);
    expect(rejected.status).toBe(503);
    await withTimeout(rejected.closed, 5_000, "reading the 503 body");

    expect(rejected.headers.get("Retry-After")).toMatch(/^[1-9]\d*$/);
    expect(rejected.headers.get("Content-Type")).toMatch(/^application\/json/);
    const body = JSON.parse(rejected.text()) as ErrorBody;
    expect(body.error.code).toBe("too_many_streams");
    expect(body.error.message).not.toBe("");
  });

  test("closed stream frees a slot", async () => {
    const [first] = await openUpToLimit();
    first!.close();
    await first!.closed;
    await pollUntil(
      () => readHealth(limited.baseUrl),
      (value) => value.streams.open === maxStreams - 1,
    );

    const replacement = await open(limited, limitedSessions.admin);
    await waitForSnapshots(replacement, false);

    expect(replacement.status).toBe(200);
  });
});
