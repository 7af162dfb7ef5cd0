import "server-only";

import { getDb } from "../db";
import { inBatches } from "../db/batches";
import { getEnv } from "../env";
import { getMetrics } from "../metrics";
import { toPendienteDto, type PendienteDto } from "../presupuestos/serialize";
import { nextVersion } from "./version";

export type NotificationsSnapshot = {
  count: number;
  version: number;
  /** Highest notification id of the user when read; the stream's event id. */
  cursor: number;
};

export type PresupuestosSnapshot = {
  pendientes: PendienteDto[];
  total: number;
  version: number;
};

/**
 * Reads unread counts and notification cursors for several users, with two
 * queries per batch of users.
 */
export async function readNotificationSnapshots(
  userIds: string[],
): Promise<Map<string, NotificationsSnapshot>> {
  const version = nextVersion();
  const db = getDb();
  getMetrics().snapshotsRead.inc({ kind: "notifications" });
  const unread = [];
  const latest = [];
  for (const batch of inBatches(userIds)) {
    const [batchUnread, batchLatest] = await Promise.all([
      db.notification.groupBy({
        by: ["userId"],
        where: { userId: { in: batch }, readAt: null },
        _count: { _all: true },
      }),
      db.notification.groupBy({
        by: ["userId"],
        where: { userId: { in: batch } },
        _max: { id: true },
      }),
    ]);
    unread.push(...batchUnread);
    latest.push(...batchLatest);
  }
  const snapshots = new Map<string, NotificationsSnapshot>();
  for (const userId of userIds) {
    snapshots.set(userId, { count: 0, cursor: 0, version });
  }
  for (const row of unread) {
    snapshots.get(row.userId)!.count = row._count._all;
  }
  for (const row of latest) {
    snapshots.get(row.userId)!.cursor = row._max.id ?? 0;
  }
  return snapshots;
}

const sortPendientes = (a: PendienteDto, b: PendienteDto) =>
  Number(b.urgente) - Number(a.urgente) ||
  a.createdAt.localeCompare(b.createdAt) ||
  a.numero.localeCompare(b.numero);

/**
 * Reads the pending lists of several auditors with a fixed number of
 * queries per batch of auditors: the unassigned pool is read once and
 * shared, and the ones assigned to these auditors are read together.
 * Auditors with no items of their own share one snapshot object, so that
 * it is serialized once.
 */
export async function readPresupuestosSnapshots(
  auditorIds: string[],
): Promise<Map<string, PresupuestosSnapshot>> {
  const version = nextVersion();
  const db = getDb();
  getMetrics().snapshotsRead.inc({ kind: "presupuestos" });
  const limit = getEnv().PENDIENTES_LIMIT;
  const order = [
    { urgente: "desc" as const },
    { createdAt: "asc" as const },
    { numero: "asc" as const },
  ];
  const readAssigned = async () => {
    const rows = [];
    for (const batch of inBatches(auditorIds)) {
      rows.push(
        ...(await db.presupuesto.findMany({
          where: { estado: "PENDIENTE", auditorId: { in: batch } },
          orderBy: order,
        })),
      );
    }
    return rows;
  };
  const [pool, poolTotal, assigned] = await Promise.all([
    db.presupuesto.findMany({
      where: { estado: "PENDIENTE", auditorId: null },
      orderBy: order,
      take: limit,
    }),
    db.presupuesto.count({ where: { estado: "PENDIENTE", auditorId: null } }),
    readAssigned(),
  ]);

  const ownByAuditor = new Map<string, PendienteDto[]>();
  for (const row of assigned) {
    const own = ownByAuditor.get(row.auditorId!) ?? [];
    own.push(toPendienteDto(row));
    ownByAuditor.set(row.auditorId!, own);
  }
  const shared = pool.map(toPendienteDto);
  const poolOnly = { pendientes: shared, total: poolTotal, version };
  const snapshots = new Map<string, PresupuestosSnapshot>();
  for (const auditorId of auditorIds) {
    const own = ownByAuditor.get(auditorId);
    if (!own) {
      snapshots.set(auditorId, poolOnly);
      continue;
    }
    snapshots.set(auditorId, {
      pendientes: [...own, ...shared].sort(sortPendientes).slice(0, limit),
      total: poolTotal + own.length,
      version,
    });
  }
  return snapshots;
}
