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

/** The unassigned pending presupuestos, which are in every auditor's list. */
export type PoolSnapshot = PresupuestosSnapshot;

const pendingOrder = [
  { urgente: "desc" as const },
  { createdAt: "asc" as const },
  { numero: "asc" as const },
];

/** Reads the shared pool: its first PENDIENTES_LIMIT items and its size. */
export async function readPoolSnapshot(): Promise<PoolSnapshot> {
  const version = nextVersion();
  const db = getDb();
  const [pool, total] = await Promise.all([
    db.presupuesto.findMany({
      where: { estado: "PENDIENTE", auditorId: null },
      orderBy: pendingOrder,
      take: getEnv().PENDIENTES_LIMIT,
    }),
    db.presupuesto.count({ where: { estado: "PENDIENTE", auditorId: null } }),
  ]);
  return { pendientes: pool.map(toPendienteDto), total, version };
}

/**
 * Reads the pending lists of several auditors with a fixed number of
 * queries per batch of auditors: the unassigned pool is read once and
 * shared (or taken from `pool`, when the caller has a current one), and
 * the items assigned to these auditors are read together. Auditors with no
 * items of their own get the pool snapshot object itself, so that it is
 * serialized once.
 */
export async function readPresupuestosSnapshots(
  auditorIds: string[],
  pool: () => Promise<PoolSnapshot> = readPoolSnapshot,
): Promise<Map<string, PresupuestosSnapshot>> {
  const db = getDb();
  getMetrics().snapshotsRead.inc({ kind: "presupuestos" });
  const limit = getEnv().PENDIENTES_LIMIT;
  const readAssigned = async () => {
    const rows = [];
    for (const batch of inBatches(auditorIds)) {
      rows.push(
        ...(await db.presupuesto.findMany({
          where: { estado: "PENDIENTE", auditorId: { in: batch } },
          orderBy: pendingOrder,
        })),
      );
    }
    return rows;
  };
  const [shared, assigned] = await Promise.all([pool(), readAssigned()]);
  // A merged list takes the version of the pool it was built from: a pool
  // taken from the cache may be older than the assigned items, and a
  // client must not prefer it over a newer state it already has.
  const version = shared.version;

  const ownByAuditor = new Map<string, PendienteDto[]>();
  for (const row of assigned) {
    const own = ownByAuditor.get(row.auditorId!) ?? [];
    own.push(toPendienteDto(row));
    ownByAuditor.set(row.auditorId!, own);
  }
  const snapshots = new Map<string, PresupuestosSnapshot>();
  for (const auditorId of auditorIds) {
    const own = ownByAuditor.get(auditorId);
    if (!own) {
      snapshots.set(auditorId, shared);
      continue;
    }
    snapshots.set(auditorId, {
      pendientes: [...own, ...shared.pendientes]
        .sort(sortPendientes)
        .slice(0, limit),
      total: shared.total + own.length,
      version,
    });
  }
  return snapshots;
}
