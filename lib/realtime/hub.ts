import "server-only";

import { randomUUID } from "node:crypto";

import type { Rol } from "../auth/roles";
import { getBus } from "../bus";
import type { BusMessage } from "../bus/types";
import { getEnv } from "../env";
import { createLogger } from "../logger";
import { getMetrics } from "../metrics";
import { formatComment, formatEvent, formatRetry } from "../sse/format";
import { type CloseReason, Connection } from "./connection";
import {
  readNotificationSnapshots,
  readPresupuestosSnapshots,
  type NotificationsSnapshot,
  type PresupuestosSnapshot,
} from "./snapshots";

const log = createLogger("stream");
const encoder = new TextEncoder();

type UserChannel = {
  rol: Rol;
  connections: Set<Connection>;
  /** Highest notification id sent to this user; part of every event id. */
  cursor: number;
};

/**
 * Keeps this process's open event streams and turns bus messages into
 * snapshots for them. Work is per user, not per stream: a snapshot is read
 * and encoded once and written to all of that user's streams. Bursts of
 * messages are coalesced: the first change is sent at once, and later ones
 * within SSE_COALESCE_MS are merged into one trailing snapshot.
 */
export class StreamHub {
  readonly #users = new Map<string, UserChannel>();
  #unsubscribe: (() => void) | null = null;
  #heartbeat: NodeJS.Timeout | null = null;
  #dirtyUsers = new Set<string>();
  #presupuestosDirty = false;
  #flushTimer: NodeJS.Timeout | null = null;
  #lastFlushAt = 0;
  #flushing: Promise<void> = Promise.resolve();
  #draining = false;

  /** Opens a stream for `user`; it starts with a retry hint and snapshots. */
  open(user: { id: string; rol: Rol }): {
    connection: Connection;
    stream: ReadableStream<Uint8Array>;
  } {
    const connection = new Connection(randomUUID(), user.id, user.rol, (c, r) =>
      this.#remove(c, r),
    );
    const stream = new ReadableStream<Uint8Array>({
      start: (controller) => connection.attach(controller),
      cancel: () => connection.close("client_closed"),
    });
    this.#add(connection);
    void this.#sendInitial(connection);
    return { connection, stream };
  }

  get connectionCount(): number {
    let count = 0;
    for (const channel of this.#users.values())
      count += channel.connections.size;
    return count;
  }

  /** True once shutdown began: no new streams are accepted. */
  get draining(): boolean {
    return this.#draining;
  }

  /**
   * Stops accepting streams and closes the open ones, each with its own
   * random `retry:` delay between `minRetryMs` and `maxRetryMs`, so that
   * clients do not all reconnect to the remaining instances at once.
   */
  drain(minRetryMs: number, maxRetryMs: number): void {
    this.#draining = true;
    for (const channel of [...this.#users.values()]) {
      for (const connection of [...channel.connections]) {
        const delay = Math.round(
          minRetryMs + Math.random() * (maxRetryMs - minRetryMs),
        );
        connection.write(encoder.encode(formatRetry(delay)));
        connection.close("server_shutdown");
      }
    }
  }

  #add(connection: Connection): void {
    let channel = this.#users.get(connection.userId);
    if (!channel) {
      channel = { rol: connection.rol, connections: new Set(), cursor: 0 };
      this.#users.set(connection.userId, channel);
    }
    channel.rol = connection.rol;
    channel.connections.add(connection);
    getMetrics().streamsOpen.inc({ rol: connection.rol });
    if (!this.#unsubscribe) {
      this.#unsubscribe = getBus().subscribe((message) =>
        this.#onMessage(message),
      );
    }
    if (!this.#heartbeat) this.#startHeartbeat();
    log.info(
      {
        userId: connection.userId,
        connectionId: connection.id,
        rol: connection.rol,
        open: this.connectionCount,
      },
      "stream opened",
    );
  }

  #remove(connection: Connection, reason: CloseReason): void {
    const metrics = getMetrics();
    metrics.streamsOpen.dec({ rol: connection.rol });
    metrics.streamDuration.observe((Date.now() - connection.openedAt) / 1000);
    const channel = this.#users.get(connection.userId);
    channel?.connections.delete(connection);
    if (channel && channel.connections.size === 0) {
      this.#users.delete(connection.userId);
    }
    if (this.#users.size === 0) this.#idle();
    log.info(
      {
        userId: connection.userId,
        connectionId: connection.id,
        reason,
        durationMs: Date.now() - connection.openedAt,
        open: this.connectionCount,
      },
      "stream closed",
    );
  }

  /** Releases the bus subscription and timers once no stream is open. */
  #idle(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = null;
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
    this.#flushTimer = null;
    this.#dirtyUsers.clear();
    this.#presupuestosDirty = false;
  }

  #startHeartbeat(): void {
    // One timer for all streams. The comment keeps proxies from closing an
    // idle connection and lets the server notice a dead one on write.
    const ping = encoder.encode(formatComment("ping"));
    this.#heartbeat = setInterval(() => {
      for (const channel of this.#users.values()) {
        for (const connection of channel.connections) connection.write(ping);
      }
    }, getEnv().SSE_HEARTBEAT_MS);
    this.#heartbeat.unref();
  }

  #onMessage(message: BusMessage): void {
    if (message.type === "notifications") {
      for (const userId of message.userIds) {
        if (this.#users.has(userId)) this.#dirtyUsers.add(userId);
      }
    } else if (message.type === "presupuestos") {
      this.#presupuestosDirty = true;
    } else {
      for (const userId of this.#users.keys()) this.#dirtyUsers.add(userId);
      this.#presupuestosDirty = true;
    }
    if (this.#dirtyUsers.size > 0 || this.#presupuestosDirty)
      this.#scheduleFlush();
  }

  #scheduleFlush(): void {
    if (this.#flushTimer) return;
    const wait = Math.max(
      0,
      this.#lastFlushAt + getEnv().SSE_COALESCE_MS - Date.now(),
    );
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = null;
      this.#lastFlushAt = Date.now();
      // Flushes run one after another so that their database reads never
      // pile up; versions keep a slow flush from overwriting a newer one.
      this.#flushing = this.#flushing.then(() => this.#flush());
    }, wait);
  }

  async #flush(): Promise<void> {
    const userIds = [...this.#dirtyUsers].filter((id) => this.#users.has(id));
    const presupuestos = this.#presupuestosDirty;
    this.#dirtyUsers = new Set();
    this.#presupuestosDirty = false;
    try {
      if (userIds.length > 0) {
        const snapshots = await readNotificationSnapshots(userIds);
        for (const [userId, snapshot] of snapshots) {
          this.#sendNotifications(userId, snapshot);
        }
      }
      if (presupuestos) {
        const auditorIds = [...this.#users]
          .filter(([, channel]) => channel.rol === "auditor_medico")
          .map(([userId]) => userId);
        if (auditorIds.length === 0) return;
        const snapshots = await readPresupuestosSnapshots(auditorIds);
        for (const [userId, snapshot] of snapshots) {
          this.#sendPresupuestos(userId, snapshot);
        }
      }
    } catch (error) {
      log.error({ err: error, users: userIds.length }, "snapshot read failed");
    }
  }

  async #sendInitial(connection: Connection): Promise<void> {
    connection.write(encoder.encode(formatRetry(getEnv().SSE_RETRY_MS)));
    try {
      const userId = connection.userId;
      const notifications = await readNotificationSnapshots([userId]);
      this.#sendNotifications(userId, notifications.get(userId)!, connection);
      if (connection.rol === "auditor_medico") {
        const lists = await readPresupuestosSnapshots([userId]);
        this.#sendPresupuestos(userId, lists.get(userId)!, connection);
      }
    } catch (error) {
      log.error(
        { err: error, userId: connection.userId, connectionId: connection.id },
        "initial snapshot failed; closing the stream so the client retries",
      );
      connection.close("write_failed");
    }
  }

  #sendNotifications(
    userId: string,
    snapshot: NotificationsSnapshot,
    only?: Connection,
  ): void {
    const channel = this.#users.get(userId);
    if (!channel) return;
    channel.cursor = Math.max(channel.cursor, snapshot.cursor);
    this.#send(channel, "notifications", snapshot.version, only, {
      count: snapshot.count,
      version: snapshot.version,
    });
  }

  #sendPresupuestos(
    userId: string,
    snapshot: PresupuestosSnapshot,
    only?: Connection,
  ): void {
    const channel = this.#users.get(userId);
    if (!channel || channel.rol !== "auditor_medico") return;
    this.#send(channel, "presupuestos", snapshot.version, only, snapshot);
  }

  /**
   * Encodes one event and writes it to the channel's streams (or to `only`),
   * skipping any stream that was already sent a newer snapshot of it.
   */
  #send(
    channel: UserChannel,
    event: string,
    version: number,
    only: Connection | undefined,
    payload: unknown,
  ): void {
    const targets = only ? [only] : [...channel.connections];
    const sent = getMetrics().eventsSent.labels({ event });
    let bytes: Uint8Array | null = null;
    for (const connection of targets) {
      if ((connection.sentVersions.get(event) ?? 0) >= version) continue;
      bytes ??= encoder.encode(
        formatEvent({
          event,
          id: `${channel.cursor}-${version}`,
          data: JSON.stringify(payload),
        }),
      );
      if (connection.write(bytes)) {
        connection.sentVersions.set(event, version);
        sent.inc();
      }
    }
  }
}

const hubKey = Symbol.for("auditoria.streamHub");
type HubCache = { [hubKey]?: StreamHub };

export function getStreamHub(): StreamHub {
  const cache = globalThis as HubCache;
  cache[hubKey] ??= new StreamHub();
  return cache[hubKey];
}
