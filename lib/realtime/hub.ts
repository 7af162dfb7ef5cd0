import "server-only";

import { randomUUID } from "node:crypto";

import type { Rol } from "../auth/roles";
import { getBus } from "../bus";
import type { BusMessage } from "../bus/types";
import { getEnv } from "../env";
import { AppError } from "../errors";
import { createLogger } from "../logger";
import { getMetrics } from "../metrics";
import { formatComment, formatEvent, formatRetry } from "../sse/format";
import { type CloseReason, Connection } from "./connection";
import {
  dispatchInitial,
  dispatchNotifications,
  dispatchPresupuestos,
} from "./dispatch";
import { PoolCache } from "./pool-cache";
import { readPoolSnapshot } from "./snapshots";
import { type PendingWork, UpdateQueue } from "./update-queue";
import {
  accountEndReason,
  sessionEndMessages,
  sweepVerdict,
} from "./session-rules";
import { readUserStates } from "./user-states";

const log = createLogger("stream");
const encoder = new TextEncoder();
const sweepIntervalMs = 1_000;

type Channel = { rol: Rol; connections: Set<Connection> };

/**
 * Keeps this process's open event streams and turns bus messages into
 * snapshots for them. Work is per user, not per stream: snapshots are read
 * for many users at once and encoded once per user. Bursts are coalesced:
 * the first change is sent at once, and later ones within SSE_COALESCE_MS
 * merge into one trailing snapshot. New streams reuse the last pool
 * snapshot until the next change (PoolCache). Two shared timers serve every
 * stream: the heartbeat, and a sweep that ends expired sessions and
 * stalled readers.
 */
export class StreamHub {
  readonly #users = new Map<string, Channel>();
  #count = 0;
  #unsubscribe: (() => void) | null = null;
  #heartbeat: NodeJS.Timeout | null = null;
  #sweep: NodeJS.Timeout | null = null;
  #lastUserCheck = Date.now();
  readonly #updates = new UpdateQueue(
    (work) => this.#flush(work),
    () => getEnv().SSE_COALESCE_MS,
    (error) => log.error({ err: error }, "snapshot dispatch failed"),
  );
  readonly #pool = new PoolCache(readPoolSnapshot);
  readonly #readPool = () => this.#pool.get();
  /** Streams opened since the last initial dispatch. */
  #opening: Connection[] = [];
  #openingTimer: NodeJS.Immediate | null = null;
  #sendingInitial = false;
  #draining = false;

  get connectionCount(): number {
    return this.#count;
  }

  /** True once shutdown began: no new streams are accepted. */
  get draining(): boolean {
    return this.#draining;
  }

  /**
   * Opens a stream for `user`. It starts with a retry hint, then the
   * notifications missed since `resumeCursor` (if any), then snapshots.
   * Throws 503 past SSE_MAX_STREAMS; past SSE_MAX_STREAMS_PER_USER the
   * user's oldest stream is closed instead.
   */
  open(
    user: { id: string; rol: Rol; expiresAt: number },
    resumeCursor: number | null,
  ): Connection {
    const env = getEnv();
    if (this.#count >= env.SSE_MAX_STREAMS) {
      throw new AppError(
        "too_many_streams",
        "El servidor alcanzó su máximo de conexiones en vivo. Reintentá en unos segundos.",
      );
    }
    const connection = new Connection(
      randomUUID(),
      user.id,
      user.rol,
      user.expiresAt,
      env.SSE_MAX_BUFFER_BYTES,
      (closed, reason) => this.#remove(closed, reason),
    );
    this.#add(connection);
    this.#enforceUserLimit(user.id, env.SSE_MAX_STREAMS_PER_USER);
    connection.write(encoder.encode(formatRetry(env.SSE_RETRY_MS)));
    if (resumeCursor !== null) {
      connection.cursor = resumeCursor;
      connection.replays = true;
    }
    this.#opening.push(connection);
    // setImmediate() lets the other requests of this turn of the event
    // loop open their streams first, so that they share the dispatch.
    if (!this.#sendingInitial) {
      this.#openingTimer ??= setImmediate(() => void this.#sendInitial());
    }
    return connection;
  }

  /**
   * Sends the first events to the streams opened since the last dispatch,
   * and repeats while more opened during it. So the first stream after a
   * quiet period is served at once, and under a burst of opens each
   * dispatch takes all the streams that opened while the previous one was
   * reading.
   */
  async #sendInitial(): Promise<void> {
    this.#openingTimer = null;
    this.#sendingInitial = true;
    try {
      while (this.#opening.length > 0) {
        const opened = this.#opening.filter((connection) => !connection.closed);
        this.#opening = [];
        await this.#dispatchInitial(opened);
      }
    } finally {
      this.#sendingInitial = false;
    }
  }

  async #dispatchInitial(opened: Connection[]): Promise<void> {
    try {
      await dispatchInitial(opened, this.#readPool);
    } catch (error) {
      log.error(
        {
          err: error,
          streams: opened.length,
          // The first few identify the failure; a storm may bring thousands.
          connectionIds: opened.slice(0, 20).map((connection) => connection.id),
        },
        "initial snapshot failed; closing the streams so that clients retry",
      );
      for (const connection of opened) connection.close("write_failed");
    }
  }

  /**
   * Stops accepting streams and closes the open ones, each with its own
   * random `retry:` delay between `minRetryMs` and `maxRetryMs`, so that
   * clients do not all reconnect to the remaining instances at once.
   */
  drain(minRetryMs: number, maxRetryMs: number): void {
    this.#draining = true;
    for (const connection of this.#all()) {
      const spread = Math.random() * (maxRetryMs - minRetryMs);
      connection.write(
        encoder.encode(formatRetry(Math.round(minRetryMs + spread))),
      );
      connection.close("server_shutdown");
    }
  }

  *#all(): Generator<Connection> {
    for (const channel of [...this.#users.values()]) {
      yield* [...channel.connections];
    }
  }

  #add(connection: Connection): void {
    let channel = this.#users.get(connection.userId);
    if (!channel) {
      channel = { rol: connection.rol, connections: new Set() };
      this.#users.set(connection.userId, channel);
    }
    channel.rol = connection.rol;
    channel.connections.add(connection);
    this.#count++;
    getMetrics().streamsOpen.inc({ rol: connection.rol });
    if (!this.#unsubscribe) {
      this.#unsubscribe = getBus().subscribe((message) =>
        this.#onMessage(message),
      );
    }
    if (!this.#heartbeat) this.#startTimers();
    log.info(
      {
        userId: connection.userId,
        connectionId: connection.id,
        rol: connection.rol,
        open: this.#count,
      },
      "stream opened",
    );
  }

  #remove(connection: Connection, reason: CloseReason): void {
    const channel = this.#users.get(connection.userId);
    if (!channel?.connections.delete(connection)) return;
    if (channel.connections.size === 0) this.#users.delete(connection.userId);
    this.#count--;
    const metrics = getMetrics();
    metrics.streamsOpen.dec({ rol: connection.rol });
    const durationMs = Date.now() - connection.openedAt;
    metrics.streamDuration.observe(durationMs / 1000);
    if (this.#count === 0) this.#idle();
    const fields = {
      userId: connection.userId,
      connectionId: connection.id,
      reason,
      durationMs,
      open: this.#count,
    };
    if (reason === "slow_reader" || reason === "write_failed") {
      log.warn(fields, "stream closed");
    } else {
      log.info(fields, "stream closed");
    }
  }

  #enforceUserLimit(userId: string, limit: number): void {
    const connections = [...(this.#users.get(userId)?.connections ?? [])];
    const excess = connections.length - limit;
    // Sets iterate in insertion order, so the first ones are the oldest.
    for (const connection of connections.slice(0, Math.max(0, excess))) {
      this.#end(connection, "closing", "stream_limit", {
        message: `Se cerró esta conexión porque abriste más de ${limit} pestañas o dispositivos.`,
      });
    }
  }

  /** Sends a final event saying why, then closes the stream. */
  #end(
    connection: Connection,
    event: string,
    reason: CloseReason,
    extra: Record<string, unknown> = {},
  ): void {
    connection.write(
      encoder.encode(
        formatEvent({
          event,
          id: `${connection.cursor}-0`,
          data: JSON.stringify({ reason, ...extra }),
        }),
      ),
    );
    connection.close(reason);
  }

  /** Releases the bus subscription and timers once no stream is open. */
  #idle(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    for (const timer of [this.#heartbeat, this.#sweep]) {
      if (timer) clearInterval(timer);
    }
    this.#heartbeat = null;
    this.#sweep = null;
    this.#updates.clear();
    // Without a bus subscription the hub gets no change messages, so the
    // cached pool could go stale.
    this.#pool.invalidate();
  }

  #startTimers(): void {
    const env = getEnv();
    // The heartbeat comment keeps proxies from closing an idle connection
    // and makes a dead one fail on write.
    const ping = encoder.encode(formatComment("ping"));
    this.#heartbeat = setInterval(() => {
      for (const channel of this.#users.values()) {
        for (const connection of channel.connections) connection.write(ping);
      }
    }, env.SSE_HEARTBEAT_MS);
    this.#heartbeat.unref();
    this.#sweep = setInterval(() => this.#runSweep(), sweepIntervalMs);
    this.#sweep.unref();
  }

  #runSweep(): void {
    const env = getEnv();
    const now = Date.now();
    for (const connection of this.#all()) {
      const verdict = sweepVerdict(connection, now, env.SSE_STALL_TIMEOUT_MS);
      if (verdict === "session_expired") {
        this.#end(connection, "session", verdict, {
          message: sessionEndMessages.session_expired,
        });
      } else if (verdict === "slow_reader") {
        connection.close(verdict);
      }
    }
    if (now - this.#lastUserCheck >= env.SSE_SESSION_CHECK_MS) {
      this.#lastUserCheck = now;
      this.#updates.addUsersToCheck(this.#users.keys());
    }
  }

  #onMessage(message: BusMessage): void {
    const connected = (userIds: string[]) =>
      userIds.filter((userId) => this.#users.has(userId));
    switch (message.type) {
      case "notifications":
        this.#updates.addNotifications(connected(message.userIds));
        break;
      case "presupuestos":
        this.#pool.invalidate();
        this.#updates.addPresupuestos();
        break;
      case "users":
        this.#updates.addUsersToCheck(connected(message.userIds));
        break;
      case "resync":
        this.#pool.invalidate();
        this.#updates.addNotifications(this.#users.keys());
        this.#updates.addPresupuestos();
        break;
    }
  }

  async #flush(work: PendingWork): Promise<void> {
    const usersToCheck = work.usersToCheck.filter((id) => this.#users.has(id));
    const dirtyUsers = work.notifications;
    const presupuestos = work.presupuestos;

    // Every stream collects what this flush writes and sends it as one
    // chunk.
    const batched = [...this.#all()];
    batched.forEach((connection) => connection.beginBatch());
    try {
      // Each step runs even when another fails, so that one failed read
      // does not hold back the rest of the update.
      if (usersToCheck.length > 0) {
        await this.#runStep("users", usersToCheck.length, () =>
          this.#checkUsers(usersToCheck),
        );
      }
      await this.#runStep("notifications", dirtyUsers.length, () =>
        dispatchNotifications(this.#streamsOf(dirtyUsers)),
      );
      // Streams that get no pending list are complete: they go out now, so
      // that a badge does not wait for the auditors' lists.
      for (const connection of batched) {
        if (!presupuestos || connection.rol !== "auditor_medico") {
          connection.endBatch();
        }
      }
      if (presupuestos) {
        const auditors = [...this.#users]
          .filter(([, channel]) => channel.rol === "auditor_medico")
          .map(([userId]) => userId);
        await this.#runStep("presupuestos", auditors.length, () =>
          dispatchPresupuestos(this.#streamsOf(auditors), this.#readPool),
        );
      }
    } finally {
      // Ends the batches still open; for the others this does nothing.
      batched.forEach((connection) => connection.endBatch());
    }
  }

  async #runStep(
    step: string,
    users: number,
    run: () => Promise<void>,
  ): Promise<void> {
    try {
      await run();
    } catch (error) {
      log.error({ err: error, step, users }, "snapshot dispatch step failed");
    }
  }

  /** Ends the streams of users who were deactivated or changed role. */
  async #checkUsers(userIds: string[]): Promise<void> {
    const states = await readUserStates(userIds);
    for (const userId of userIds) {
      const channel = this.#users.get(userId);
      if (!channel) continue;
      const reason = accountEndReason(channel.rol, states.get(userId));
      if (!reason) continue;
      log.info({ userId, reason }, "ending the user's streams");
      for (const connection of [...channel.connections]) {
        this.#end(connection, "session", reason, {
          message: sessionEndMessages[reason],
        });
      }
    }
  }

  #streamsOf(userIds: string[]): Map<string, Connection[]> {
    const streams = new Map<string, Connection[]>();
    for (const userId of userIds) {
      const channel = this.#users.get(userId);
      if (channel) streams.set(userId, [...channel.connections]);
    }
    return streams;
  }
}

const hubKey = Symbol.for("auditoria.streamHub");
type HubCache = { [hubKey]?: StreamHub };

export function getStreamHub(): StreamHub {
  const cache = globalThis as HubCache;
  cache[hubKey] ??= new StreamHub();
  return cache[hubKey];
}
