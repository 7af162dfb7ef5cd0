import "server-only";

import { getDb } from "../db";

/** Reads whether each user is active and their current role, in one query. */
export async function readUserStates(
  userIds: string[],
): Promise<Map<string, { active: boolean; rol: string }>> {
  const rows = await getDb().user.findMany({
    where: { id: { in: userIds } },
    select: { id: true, active: true, rol: true },
  });
  return new Map(
    rows.map((row) => [row.id, { active: row.active, rol: row.rol }]),
  );
}
