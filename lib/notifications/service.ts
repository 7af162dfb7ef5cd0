import "server-only";

import { getDb, type Prisma } from "../db";
import { forbidden, notFound } from "../errors";
import { publishAfterCommit } from "../realtime/publish";
import type { ListQuery } from "./schemas";
import { toNotificationDto } from "./serialize";

export type NotificationDto = {
  id: number;
  type: string;
  title: string;
  message: string;
  link: string | null;
  readAt: string | null;
  createdAt: string;
};

export type NewNotification = {
  userId: string;
  type: string;
  title: string;
  message: string;
  link?: string;
};

/** Inserts notifications inside the caller's transaction. */
export async function insertNotifications(
  tx: Prisma.TransactionClient,
  notifications: NewNotification[],
): Promise<void> {
  if (notifications.length === 0) return;
  await tx.notification.createMany({ data: notifications });
}

export async function countUnread(userId: string): Promise<number> {
  return getDb().notification.count({ where: { userId, readAt: null } });
}

/** Lists a user's notifications newest first; `cursor` is the last id seen. */
export async function listNotifications(userId: string, query: ListQuery) {
  const rows = await getDb().notification.findMany({
    where: {
      userId,
      ...(query.cursor ? { id: { lt: query.cursor } } : {}),
      ...(query.unread === "true" ? { readAt: null } : {}),
    },
    orderBy: { id: "desc" },
    take: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const hasMore = rows.length > query.limit;
  return {
    notifications: page.map(toNotificationDto),
    nextCursor: hasMore ? (page.at(-1)?.id ?? null) : null,
    unread: await countUnread(userId),
  };
}

/** Marks one of the user's notifications read; repeating it changes nothing. */
export async function markRead(userId: string, id: number) {
  const db = getDb();
  const notification = await db.notification.findUnique({ where: { id } });
  if (!notification) throw notFound(`La notificación ${id}`);
  if (notification.userId !== userId) {
    throw forbidden("Esa notificación pertenece a otro usuario.");
  }
  if (notification.readAt === null) {
    await db.notification.updateMany({
      where: { id, readAt: null },
      data: { readAt: new Date() },
    });
    await publishAfterCommit({ type: "notifications", userIds: [userId] });
  }
  return { count: await countUnread(userId) };
}

export async function markAllRead(userId: string) {
  const { count: marked } = await getDb().notification.updateMany({
    where: { userId, readAt: null },
    data: { readAt: new Date() },
  });
  if (marked > 0) {
    await publishAfterCommit({ type: "notifications", userIds: [userId] });
  }
  return { marked, count: await countUnread(userId) };
}
