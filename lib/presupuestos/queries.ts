import "server-only";

import { getDb } from "../db";
import { toPresupuestoDto } from "./serialize";

/** Lists presupuestos newest first: the user's own, or all for an admin. */
export async function listPresupuestos(
  user: { id: string; rol: string },
  limit = 100,
) {
  const rows = await getDb().presupuesto.findMany({
    where: user.rol === "admin" ? {} : { createdById: user.id },
    orderBy: { createdAt: "desc" },
    take: limit,
  });
  return { presupuestos: rows.map(toPresupuestoDto) };
}

export type PresupuestosResult = Awaited<ReturnType<typeof listPresupuestos>>;
