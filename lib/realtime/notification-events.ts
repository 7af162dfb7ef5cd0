import "server-only";

import { getDb } from "../db";
import { inBatches } from "../db/batches";
import type { NotificationDto } from "../notifications/service";
import { toNotificationDto } from "../notifications/serialize";

/** Most notifications replayed to one stream at once; older ones are in the count. */
export const maxReplay = 200;

/**
 * Reads the notifications of each user with ids in (after, upTo], oldest
 * first, with one query per batch of users.
 */
export async function readNotificationsBetween(
  ranges: Map<string, { after: number; upTo: number }>,
): Promise<Map<string, NotificationDto[]>> {
  const wanted = [...ranges].filter(([, range]) => range.upTo > range.after);
  const result = new Map<string, NotificationDto[]>();
  const rows = [];
  for (const batch of inBatches(wanted)) {
    const batchRows = await getDb().notification.findMany({
      where: {
        OR: batch.map(([userId, range]) => ({
          userId,
          id: { gt: range.after, lte: range.upTo },
        })),
      },
      orderBy: { id: "asc" },
      take: maxReplay * batch.length,
    });
    rows.push(...batchRows);
  }
  for (const row of rows) {
    const list = result.get(row.userId) ?? [];
    if (list.length < maxReplay) list.push(toNotificationDto(row));
    result.set(row.userId, list);
  }
  return result;
}

/**
 * Returns the notification cursor in a Last-Event-ID of this app
 * ("<cursor>-<version>"), or null when it is malformed or does not belong
 * to `userId`. Cursor 0 is valid: the user had no notifications yet.
 */
export async function parseResumeCursor(
  lastEventId: string | null,
  userId: string,
): Promise<number | null> {
  const match = /^(\d{1,10})-\d{1,20}$/.exec(lastEventId ?? "");
  if (!match) return null;
  const cursor = Number(match[1]);
  if (!Number.isSafeInteger(cursor) || cursor > 2_147_483_647) return null;
  if (cursor === 0) return 0;
  const owned = await getDb().notification.findFirst({
    where: { id: cursor, userId },
    select: { id: true },
  });
  return owned ? cursor : null;
}
