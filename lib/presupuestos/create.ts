import "server-only";

import type { SessionUser } from "../auth/session";
import { getDb } from "../db";
import { formatArs, pesosToCentavos } from "../money";
import { insertNotifications } from "../notifications/service";
import { publishAfterCommit } from "../realtime/publish";
import { nextNumero } from "./numbering";
import type { CreatePresupuestoInput } from "./schemas";
import { toPresupuestoDto } from "./serialize";

/**
 * Creates a pending presupuesto in the shared pool, records it in the audit
 * trail and notifies every active auditor, all in one transaction. Streams
 * hear of it only after the commit.
 */
export async function createPresupuesto(
  user: SessionUser,
  input: CreatePresupuestoInput,
) {
  const montoCentavos = pesosToCentavos(input.monto);
  if (montoCentavos === null) {
    throw new Error(`monto ${input.monto} passed validation with >2 decimals`);
  }
  const { presupuesto, auditorIds } = await getDb().$transaction(async (tx) => {
    const now = new Date();
    const created = await tx.presupuesto.create({
      data: {
        numero: await nextNumero(tx, now),
        afiliado: input.afiliado,
        afiliadoNumero: input.afiliadoNumero,
        prestador: input.prestador,
        descripcion: input.descripcion,
        montoCentavos,
        urgente: input.urgente,
        createdById: user.id,
        createdAt: now,
      },
    });
    await tx.presupuestoEvento.create({
      data: {
        presupuestoId: created.id,
        userId: user.id,
        fromEstado: null,
        toEstado: "PENDIENTE",
      },
    });
    const auditors = await tx.user.findMany({
      where: { rol: "auditor_medico", active: true },
      select: { id: true },
    });
    await insertNotifications(
      tx,
      auditors.map((auditor) => ({
        userId: auditor.id,
        type: "presupuesto.nuevo",
        title: `${input.urgente ? "Urgente: nuevo" : "Nuevo"} presupuesto ${created.numero}`,
        message: `${input.afiliado} · ${input.prestador} · ${formatArs(input.monto)}`,
        link: "/auditoria",
      })),
    );
    return { presupuesto: created, auditorIds: auditors.map((a) => a.id) };
  });

  await publishAfterCommit(
    { type: "presupuestos" },
    { type: "notifications", userIds: auditorIds },
  );
  return toPresupuestoDto(presupuesto);
}
