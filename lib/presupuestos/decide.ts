import "server-only";

import type { SessionUser } from "../auth/session";
import { getDb } from "../db";
import { AppError, forbidden, notFound } from "../errors";
import { insertNotifications } from "../notifications/service";
import { publishAfterCommit } from "../realtime/publish";
import type { DecisionInput } from "./schemas";
import { toPresupuestoDto } from "./serialize";

export const decisionLabels = {
  APROBADO: "aprobado",
  RECHAZADO: "rechazado",
  OBSERVADO: "observado",
} as const;

/**
 * Records an auditor's decision on a pending presupuesto and notifies the
 * user who loaded it. The update is conditional on the version read, so of
 * two auditors deciding at once exactly one wins and the other gets 409.
 */
export async function decidePresupuesto(
  user: SessionUser,
  id: string,
  input: DecisionInput,
) {
  const comentario = input.comentario || null;
  const decided = await getDb().$transaction(async (tx) => {
    const current = await tx.presupuesto.findUnique({ where: { id } });
    if (!current) throw notFound(`El presupuesto ${id}`);
    if (current.estado !== "PENDIENTE") {
      throw new AppError(
        "conflict",
        `El presupuesto ${current.numero} ya no está pendiente: está ${current.estado}.`,
      );
    }
    if (current.auditorId !== null && current.auditorId !== user.id) {
      throw forbidden(
        `El presupuesto ${current.numero} está asignado a otro auditor.`,
      );
    }
    const { count } = await tx.presupuesto.updateMany({
      where: { id, estado: "PENDIENTE", version: current.version },
      data: {
        estado: input.decision,
        auditorId: user.id,
        version: { increment: 1 },
      },
    });
    if (count === 0) {
      throw new AppError(
        "conflict",
        `El presupuesto ${current.numero} cambió mientras decidías. Actualizá y revisalo de nuevo.`,
      );
    }
    await tx.presupuestoEvento.create({
      data: {
        presupuestoId: id,
        userId: user.id,
        fromEstado: "PENDIENTE",
        toEstado: input.decision,
        comentario,
      },
    });
    const label = decisionLabels[input.decision];
    await insertNotifications(tx, [
      {
        userId: current.createdById,
        type: `presupuesto.${input.decision.toLowerCase()}`,
        title: `Presupuesto ${current.numero} ${label}`,
        message: comentario
          ? `${user.name}: ${comentario}`
          : `${user.name} lo marcó como ${label}.`,
        link: "/presupuestos",
      },
    ]);
    return tx.presupuesto.findUniqueOrThrow({ where: { id } });
  });

  await publishAfterCommit(
    { type: "presupuestos" },
    { type: "notifications", userIds: [decided.createdById] },
  );
  return toPresupuestoDto(decided);
}
