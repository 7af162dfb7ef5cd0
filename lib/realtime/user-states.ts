import "server-only";

import { getDb } from "../db";
import { inBatches } from "../db/batches";

/** Reads whether each user is active and their role, one query per batch. */
export async function readUserStates(
  userIds: string[],
): Promise<Map<string, { active: boolean; rol: string }>> {
  const rows = [];
  for (const batch of inBatches(userIds)) {
    rows.push(
      ...(await getDb().user.findMany({
        where: { id: { in: batch } },
        select: { id: true, active: true, rol: true },
      })),
    );
  }
  return new Map(
    rows.map((row) => [row.id, { active: row.active, rol: row.rol }]),
  );
}
