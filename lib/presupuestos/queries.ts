import "server-only";

import { getDb } from "../db";
import { notFound } from "../errors";
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

export async function getPresupuestoWithEventos(id: string) {
  const row = await getDb().presupuesto.findUnique({
    where: { id },
    include: {
      eventos: {
        orderBy: { createdAt: "asc" },
        include: { user: { select: { name: true } } },
      },
    },
  });
  if (!row) throw notFound(`El presupuesto ${id}`);
  return {
    presupuesto: toPresupuestoDto(row),
    eventos: row.eventos.map((evento) => ({
      id: evento.id,
      fromEstado: evento.fromEstado,
      toEstado: evento.toEstado,
      comentario: evento.comentario,
      userName: evento.user.name,
      createdAt: evento.createdAt.toISOString(),
    })),
  };
}
