import "server-only";

import type { SessionUser } from "../auth/session";
import { getDb } from "../db";
import { AppError, forbidden, notFound } from "../errors";
import { insertNotifications } from "../notifications/service";
import { publishAfterCommit } from "../realtime/publish";
import { toPresupuestoDto } from "./serialize";

/**
 * Assigns a pending presupuesto to an auditor, or returns it to the shared
 * pool with `auditorId: null`. An auditor may take an unassigned one or
 * release their own; an admin may assign to any active auditor.
 */
export async function assignPresupuesto(
  user: SessionUser,
  id: string,
  auditorId: string | null,
) {
  const result = await getDb().$transaction(async (tx) => {
    const current = await tx.presupuesto.findUnique({ where: { id } });
    if (!current) throw notFound(`El presupuesto ${id}`);
    if (current.estado !== "PENDIENTE") {
      throw new AppError(
        "conflict",
        `El presupuesto ${current.numero} ya no está pendiente: está ${current.estado}.`,
      );
    }
    if (user.rol === "auditor_medico") {
      const takesFree = auditorId === user.id && current.auditorId === null;
      const releasesOwn = auditorId === null && current.auditorId === user.id;
      if (!takesFree && !releasesOwn) {
        throw forbidden(
          "Un auditor solo puede tomar un presupuesto libre o liberar uno propio.",
        );
      }
    }
    if (auditorId !== null) {
      const target = await tx.user.findUnique({ where: { id: auditorId } });
      if (!target || !target.active || target.rol !== "auditor_medico") {
        throw new AppError(
          "validation_failed",
          `auditorId: ${auditorId} no es un auditor médico activo.`,
          { auditorId: ["No es un auditor médico activo."] },
        );
      }
    }
    const { count } = await tx.presupuesto.updateMany({
      where: { id, estado: "PENDIENTE", version: current.version },
      data: { auditorId, version: { increment: 1 } },
    });
    if (count === 0) {
      throw new AppError(
        "conflict",
        `El presupuesto ${current.numero} cambió mientras lo asignabas. Actualizá y reintentá.`,
      );
    }
    const notified =
      auditorId !== null && auditorId !== user.id ? [auditorId] : [];
    await insertNotifications(
      tx,
      notified.map((userId) => ({
        userId,
        type: "presupuesto.asignado",
        title: `Te asignaron el presupuesto ${current.numero}`,
        message: `${current.afiliado} · ${current.prestador}`,
        link: "/auditoria",
      })),
    );
    const updated = await tx.presupuesto.findUniqueOrThrow({ where: { id } });
    return { updated, notified };
  });

  await publishAfterCommit(
    { type: "presupuestos" },
    { type: "notifications", userIds: result.notified },
  );
  return toPresupuestoDto(result.updated);
}
