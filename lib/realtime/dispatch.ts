import "server-only";

import { getMetrics } from "../metrics";
import type { NotificationDto } from "../notifications/service";
import { formatEvent } from "../sse/format";
import type { Connection } from "./connection";
import { readNotificationsBetween } from "./notification-events";
import {
  type NotificationsSnapshot,
  type PoolSnapshot,
  type PresupuestosSnapshot,
  readNotificationSnapshots,
  readPresupuestosSnapshots,
} from "./snapshots";

// Turns snapshots read from the database into events on streams. Reads are
// batched over users and encoded once per user, never per stream.

const encoder = new TextEncoder();

/**
 * Encoded bytes per payload object, so that the streams sent the same
 * object share one encoding: the `data:` lines of a `notifications` count,
 * or a whole `notification` or `presupuestos` event.
 */
const encoded = new WeakMap<object, Uint8Array>();

function encodeOnce(payload: object, format: () => string): Uint8Array {
  let bytes = encoded.get(payload);
  if (!bytes) {
    bytes = encoder.encode(format());
    encoded.set(payload, bytes);
  }
  return bytes;
}

/**
 * Writes the unread count to each stream that was not sent a newer one. Its
 * `id:` line carries the stream's notification cursor, so it is the only
 * per-stream part; the `data:` lines are shared.
 */
function sendCount(
  connections: Iterable<Connection>,
  payload: { count: number; version: number },
): void {
  const sent = getMetrics().eventsSent.labels({ event: "notifications" });
  // formatEvent with only data gives the data lines and the blank line
  // that ends the event.
  const data = encodeOnce(payload, () =>
    formatEvent({ data: JSON.stringify(payload) }),
  );
  for (const connection of connections) {
    if (connection.sentCountVersion >= payload.version) continue;
    const header = encoder.encode(
      `event: notifications\nid: ${connection.cursor}-${payload.version}\n`,
    );
    connection.beginBatch();
    connection.write(header);
    connection.write(data);
    connection.endBatch();
    if (!connection.closed) {
      connection.sentCountVersion = payload.version;
      sent.inc();
    }
  }
}

/**
 * Writes a pending list to each stream that was not sent a newer one. The
 * event has no `id:` line, which leaves the stream's last event id (the
 * notification cursor) as it was, so its bytes are the same for every
 * stream sent this snapshot.
 */
function sendPresupuestos(
  connections: Iterable<Connection>,
  snapshot: PresupuestosSnapshot,
): void {
  const sent = getMetrics().eventsSent.labels({ event: "presupuestos" });
  const bytes = encodeOnce(snapshot, () =>
    formatEvent({ event: "presupuestos", data: JSON.stringify(snapshot) }),
  );
  for (const connection of connections) {
    if (connection.sentPresupuestosVersion >= snapshot.version) continue;
    if (connection.write(bytes)) {
      connection.sentPresupuestosVersion = snapshot.version;
      sent.inc();
    }
  }
}

/** Writes the notifications a stream has not accounted for, oldest first. */
function sendNotificationEvents(
  connection: Connection,
  notifications: NotificationDto[],
  version: number,
): void {
  const sent = getMetrics().eventsSent.labels({ event: "notification" });
  for (const notification of notifications) {
    if (notification.id <= connection.cursor) continue;
    // The user's streams share the notification objects, so they share
    // the encoding too.
    const bytes = encodeOnce(notification, () =>
      formatEvent({
        event: "notification",
        id: `${notification.id}-${version}`,
        data: JSON.stringify(notification),
      }),
    );
    if (!connection.write(bytes)) return;
    connection.cursor = notification.id;
    sent.inc();
  }
}

/**
 * Returns, per user, the notification ids that their streams still have to
 * be sent as events: after the lowest cursor of a stream that replays, up
 * to the snapshot. Users with no such stream need no read.
 */
function replayRanges(
  streamsByUser: Map<string, Connection[]>,
  snapshots: Map<string, NotificationsSnapshot>,
): Map<string, { after: number; upTo: number }> {
  const ranges = new Map<string, { after: number; upTo: number }>();
  for (const [userId, connections] of streamsByUser) {
    const cursors = connections.filter((c) => c.replays).map((c) => c.cursor);
    const upTo = snapshots.get(userId)?.cursor ?? 0;
    if (cursors.length > 0)
      ranges.set(userId, { after: Math.min(...cursors), upTo });
  }
  return ranges;
}

/**
 * Sends fresh notification state to the streams of each user: first every
 * notification newer than the stream's cursor and not newer than the
 * snapshot, as `notification` events, then the `notifications` count.
 */
export async function dispatchNotifications(
  streamsByUser: Map<string, Connection[]>,
): Promise<void> {
  const userIds = [...streamsByUser.keys()];
  if (userIds.length === 0) return;
  const snapshots = await readNotificationSnapshots(userIds);
  const missed = await readNotificationsBetween(
    replayRanges(streamsByUser, snapshots),
  );
  for (const [userId, connections] of streamsByUser) {
    const snapshot = snapshots.get(userId);
    if (!snapshot) continue;
    sendNotificationsTo(connections, snapshot, missed.get(userId) ?? []);
  }
}

/**
 * Sends `missed` as events to the streams that replay, then the count. A
 * new stream that did not resume starts replaying from this snapshot on:
 * what came before is in its count, not in toasts.
 */
function sendNotificationsTo(
  connections: Connection[],
  snapshot: NotificationsSnapshot,
  missed: NotificationDto[],
): void {
  for (const connection of connections) {
    if (connection.replays) {
      sendNotificationEvents(connection, missed, snapshot.version);
    }
    connection.cursor = Math.max(connection.cursor, snapshot.cursor);
    connection.replays = true;
  }
  sendCount(connections, {
    count: snapshot.count,
    version: snapshot.version,
  });
}

/**
 * Sends each auditor's pending list to their streams, with the shared pool
 * taken from `pool`.
 */
export async function dispatchPresupuestos(
  streamsByAuditor: Map<string, Connection[]>,
  pool: () => Promise<PoolSnapshot>,
): Promise<void> {
  const auditorIds = [...streamsByAuditor.keys()];
  if (auditorIds.length === 0) return;
  const snapshots = await readPresupuestosSnapshots(auditorIds, pool);
  for (const [auditorId, connections] of streamsByAuditor) {
    const snapshot = snapshots.get(auditorId);
    if (snapshot) sendPresupuestos(connections, snapshot);
  }
}

/**
 * Sends new streams their first events, with one set of snapshot reads for
 * all of them. Many streams open at once when clients reconnect after a
 * restart, and reading per stream would multiply the queries. A resumed
 * stream first gets the notifications it missed, in order. Each stream
 * gets its events as one chunk.
 */
export async function dispatchInitial(
  connections: Connection[],
  pool: () => Promise<PoolSnapshot>,
): Promise<void> {
  if (connections.length === 0) return;
  const byUser = new Map<string, Connection[]>();
  for (const connection of connections) {
    const userConnections = byUser.get(connection.userId) ?? [];
    userConnections.push(connection);
    byUser.set(connection.userId, userConnections);
  }
  const userIds = [...byUser.keys()];
  const auditorIds = userIds.filter(
    (userId) => byUser.get(userId)![0]!.rol === "auditor_medico",
  );
  const [notifications, lists] = await Promise.all([
    readNotificationSnapshots(userIds),
    auditorIds.length > 0
      ? readPresupuestosSnapshots(auditorIds, pool)
      : new Map<string, PresupuestosSnapshot>(),
  ]);
  const missed = await readNotificationsBetween(
    replayRanges(byUser, notifications),
  );

  for (const [userId, userConnections] of byUser) {
    for (const connection of userConnections) {
      connection.beginBatch();
      sendNotificationsTo(
        [connection],
        notifications.get(userId)!,
        missed.get(userId) ?? [],
      );
      const list = lists.get(userId);
      if (list) sendPresupuestos([connection], list);
      connection.endBatch();
    }
  }
}
