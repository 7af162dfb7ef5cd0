import "server-only";

import { getMetrics } from "../metrics";
import type { NotificationDto } from "../notifications/service";
import { formatEvent } from "../sse/format";
import type { Connection } from "./connection";
import { readNotificationsBetween } from "./notification-events";
import {
  type NotificationsSnapshot,
  type PresupuestosSnapshot,
  readNotificationSnapshots,
  readPresupuestosSnapshots,
} from "./snapshots";

// Turns snapshots read from the database into events on streams. Reads are
// batched over users and encoded once per user, never per stream.

const encoder = new TextEncoder();

/**
 * The `data:` lines of each payload, encoded once: auditors who share a
 * snapshot object share these bytes too.
 */
const encodedData = new WeakMap<object, Uint8Array>();

function dataBytes(payload: object): Uint8Array {
  let bytes = encodedData.get(payload);
  if (!bytes) {
    // formatEvent with only data gives the data lines and the blank line
    // that ends the event.
    bytes = encoder.encode(formatEvent({ data: JSON.stringify(payload) }));
    encodedData.set(payload, bytes);
  }
  return bytes;
}

/**
 * Writes `event` to each stream that was not already sent a newer one. The
 * `event:` and `id:` lines go first as their own small chunk, because the
 * id carries the stream's notification cursor.
 */
function sendVersioned(
  connections: Iterable<Connection>,
  event: string,
  version: number,
  payload: object,
): void {
  const sent = getMetrics().eventsSent.labels({ event });
  const data = dataBytes(payload);
  for (const connection of connections) {
    if ((connection.sentVersions.get(event) ?? 0) >= version) continue;
    const header = encoder.encode(
      `event: ${event}\nid: ${connection.cursor}-${version}\n`,
    );
    connection.beginBatch();
    connection.write(header);
    connection.write(data);
    connection.endBatch();
    if (!connection.closed) {
      connection.sentVersions.set(event, version);
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
    const bytes = encoder.encode(
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
  const ranges = new Map<string, { after: number; upTo: number }>();
  for (const [userId, connections] of streamsByUser) {
    const upTo = snapshots.get(userId)?.cursor ?? 0;
    const after = Math.min(...connections.map((c) => c.cursor));
    ranges.set(userId, { after, upTo });
  }
  const missed = await readNotificationsBetween(ranges);
  for (const [userId, connections] of streamsByUser) {
    const snapshot = snapshots.get(userId);
    if (!snapshot) continue;
    sendNotificationsTo(connections, snapshot, missed.get(userId) ?? []);
  }
}

function sendNotificationsTo(
  connections: Connection[],
  snapshot: NotificationsSnapshot,
  missed: NotificationDto[],
): void {
  for (const connection of connections) {
    sendNotificationEvents(connection, missed, snapshot.version);
    connection.cursor = Math.max(connection.cursor, snapshot.cursor);
  }
  sendVersioned(connections, "notifications", snapshot.version, {
    count: snapshot.count,
    version: snapshot.version,
  });
}

/** Sends each auditor's pending list to their streams. */
export async function dispatchPresupuestos(
  streamsByAuditor: Map<string, Connection[]>,
): Promise<void> {
  const auditorIds = [...streamsByAuditor.keys()];
  if (auditorIds.length === 0) return;
  const snapshots = await readPresupuestosSnapshots(auditorIds);
  for (const [auditorId, connections] of streamsByAuditor) {
    const snapshot = snapshots.get(auditorId);
    if (snapshot) sendPresupuestosTo(connections, snapshot);
  }
}

function sendPresupuestosTo(
  connections: Connection[],
  snapshot: PresupuestosSnapshot,
): void {
  sendVersioned(connections, "presupuestos", snapshot.version, snapshot);
}

/**
 * Sends a new stream its first events. With a resume cursor from
 * Last-Event-ID, the notifications the client missed come first, in order,
 * then the snapshots.
 */
export async function dispatchInitial(
  connection: Connection,
  resumeCursor: number | null,
): Promise<void> {
  const userId = connection.userId;
  const snapshots = await readNotificationSnapshots([userId]);
  const snapshot = snapshots.get(userId)!;
  let missed: NotificationDto[] = [];
  if (resumeCursor !== null) {
    connection.cursor = resumeCursor;
    const ranges = new Map([
      [userId, { after: resumeCursor, upTo: snapshot.cursor }],
    ]);
    missed = (await readNotificationsBetween(ranges)).get(userId) ?? [];
  }
  sendNotificationsTo([connection], snapshot, missed);
  if (connection.rol === "auditor_medico") {
    const lists = await readPresupuestosSnapshots([userId]);
    sendPresupuestosTo([connection], lists.get(userId)!);
  }
}
