import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

import { withFdLimit } from "./server-process";

// Drives the client processes of bench/client.mjs over IPC. Stream i is
// opened by process i % processes, so the processes share the streams evenly.

const clientFile = path.resolve("bench/client.mjs");
/** More streams than this per process would make client-side queueing show up in latencies. */
export const maxStreamsPerClient = 5_000;

/** The event whose first arrival makes a stream count as ready. */
export type ReadyEvent = "presupuestos" | "notifications";

export type StreamSpec = {
  index: number;
  path: string;
  headers: Record<string, string>;
  ready: ReadyEvent;
};

export type Watch =
  | { kind: "contains"; markers: string[] }
  | { kind: "lacks"; markers: string[] }
  | { kind: "count-above" };

export type ClientStats = {
  connections: number;
  ready: number;
  closed: number;
  bytes: number;
  comments: number;
  presupuestosEvents: number;
  notificationsEvents: number;
  maxPresupuestosBytes: number;
};

type Reply = { id: number; ok: boolean; result?: unknown; error?: string };

class ClientProcess {
  #nextId = 0;
  #pending = new Map<number, (reply: Reply) => void>();
  readonly child: ChildProcess;

  constructor(fdLimit: number, maxLifetimeMs: number) {
    const [command, args] = withFdLimit(
      process.execPath,
      [clientFile],
      fdLimit,
    );
    this.child = spawn(command, args, {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      env: { ...process.env, BENCH_MAX_LIFETIME_MS: String(maxLifetimeMs) },
    });
    this.child.on("message", (reply: Reply) => {
      this.#pending.get(reply.id)?.(reply);
      this.#pending.delete(reply.id);
    });
    this.child.on("exit", (code, signal) => {
      for (const resolve of this.#pending.values()) {
        resolve({
          id: -1,
          ok: false,
          error: `client process exited (${code ?? signal})`,
        });
      }
      this.#pending.clear();
    });
  }

  call<Result>(type: string, payload: unknown, timeoutMs: number) {
    const id = this.#nextId++;
    return new Promise<Result>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(
          new Error(`client command ${type} timed out after ${timeoutMs} ms`),
        );
      }, timeoutMs);
      this.#pending.set(id, (reply) => {
        clearTimeout(timer);
        if (reply.ok) resolve(reply.result as Result);
        else reject(new Error(`client command ${type} failed: ${reply.error}`));
      });
      this.child.send({ id, type, payload });
    });
  }
}

export type OpenResult = {
  /** Wall time from the first request to the last stream being ready. */
  wallMs: number;
  /** Per stream: request sent to its ready event received. */
  openMs: number[];
  failed: number;
  failures: Array<[number, string]>;
};

export class ClientPool {
  readonly #clients: ClientProcess[];

  constructor(processes: number, maxLifetimeMs: number) {
    const fdLimit = maxStreamsPerClient + 1_024;
    this.#clients = Array.from(
      { length: processes },
      () => new ClientProcess(fdLimit, maxLifetimeMs),
    );
  }

  get size(): number {
    return this.#clients.length;
  }

  #clientOf(index: number): ClientProcess {
    return this.#clients[index % this.#clients.length]!;
  }

  #byClient<Item extends { index: number }>(items: Item[]) {
    const groups = new Map<ClientProcess, Item[]>();
    for (const item of items) {
      const client = this.#clientOf(item.index);
      const group = groups.get(client);
      if (group) group.push(item);
      else groups.set(client, [item]);
    }
    return groups;
  }

  async open(
    target: { host: string; port: number },
    streams: StreamSpec[],
    concurrency: number,
  ): Promise<OpenResult> {
    const readyTimeoutMs = 120_000;
    const perClient = Math.max(1, Math.ceil(concurrency / this.size));
    const started = performance.now();
    const groups = [...this.#byClient(streams)];
    const results = await Promise.all(
      groups.map(([client, group]) =>
        client.call<Omit<OpenResult, "wallMs">>(
          "open",
          {
            target: { ...target, readyTimeoutMs },
            streams: group,
            concurrency: perClient,
          },
          readyTimeoutMs * Math.ceil(group.length / perClient) + 60_000,
        ),
      ),
    );
    return {
      wallMs: performance.now() - started,
      openMs: results.flatMap((result) => result.openMs),
      failed: results.reduce((sum, result) => sum + result.failed, 0),
      failures: results.flatMap((result) => result.failures).slice(0, 10),
    };
  }

  /** Arms `watch` on the given streams; returns how many were armed. */
  async watch(indices: number[], watch: Watch): Promise<number> {
    const groups = this.#byClient(indices.map((index) => ({ index })));
    const armed = await Promise.all(
      [...groups].map(([client, group]) =>
        client.call<{ armed: number }>(
          "watch",
          { indices: group.map((item) => item.index), watch },
          30_000,
        ),
      ),
    );
    return armed.reduce((sum, result) => sum + result.armed, 0);
  }

  /**
   * Waits until every watched stream received its event or `timeoutMs`
   * passed. Returns [stream index, arrival time] pairs, with times from
   * process.hrtime() in milliseconds, and the number of streams missing.
   */
  async wait(timeoutMs: number) {
    const results = await Promise.all(
      this.#clients.map((client) =>
        client.call<{ arrivals: Array<[number, number]>; missing: number }>(
          "wait",
          { timeoutMs },
          timeoutMs + 30_000,
        ),
      ),
    );
    return {
      arrivals: results.flatMap((result) => result.arrivals),
      missing: results.reduce((sum, result) => sum + result.missing, 0),
    };
  }

  async stats(): Promise<ClientStats> {
    const all = await Promise.all(
      this.#clients.map((client) =>
        client.call<ClientStats>("stats", {}, 30_000),
      ),
    );
    const sum = (key: keyof ClientStats) =>
      all.reduce((total, stats) => total + stats[key], 0);
    return {
      connections: sum("connections"),
      ready: sum("ready"),
      closed: sum("closed"),
      bytes: sum("bytes"),
      comments: sum("comments"),
      presupuestosEvents: sum("presupuestosEvents"),
      notificationsEvents: sum("notificationsEvents"),
      maxPresupuestosBytes: Math.max(
        ...all.map((stats) => stats.maxPresupuestosBytes),
      ),
    };
  }

  async closeAll(): Promise<void> {
    await Promise.all(
      this.#clients.map((client) =>
        client.call("close", { indices: "all" }, 60_000),
      ),
    );
  }

  async close(indices: number[]): Promise<void> {
    const groups = this.#byClient(indices.map((index) => ({ index })));
    await Promise.all(
      [...groups].map(([client, group]) =>
        client.call(
          "close",
          { indices: group.map((item) => item.index) },
          60_000,
        ),
      ),
    );
  }

  /** Ends every client process; streams they hold are reset. */
  async stop(): Promise<void> {
    await Promise.all(
      this.#clients.map(
        (client) =>
          new Promise<void>((resolve) => {
            const { child } = client;
            if (child.exitCode !== null || child.signalCode !== null) {
              resolve();
              return;
            }
            const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
            child.once("exit", () => {
              clearTimeout(timer);
              resolve();
            });
            if (child.connected) child.send({ type: "exit" });
            else child.kill("SIGTERM");
          }),
      ),
    );
  }
}
