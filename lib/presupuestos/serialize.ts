import type { Presupuesto } from "../generated/prisma/client";
import { centavosToPesos } from "../money";
import type { Estado } from "./schemas";

/** An item of the `presupuestos` event and of the pending list route. */
export type PendienteDto = {
  id: string;
  numero: string;
  afiliado: string;
  afiliadoNumero: string;
  prestador: string;
  descripcion: string;
  /** Pesos, at most two decimals. */
  monto: number;
  urgente: boolean;
  /** ISO 8601. */
  createdAt: string;
  auditorId: string | null;
};

/** A presupuesto as its creator and the REST routes see it. */
export type PresupuestoDto = PendienteDto & {
  estado: Estado;
  version: number;
  updatedAt: string;
  createdById: string;
};

export function toPendienteDto(row: Presupuesto): PendienteDto {
  return {
    id: row.id,
    numero: row.numero,
    afiliado: row.afiliado,
    afiliadoNumero: row.afiliadoNumero,
    prestador: row.prestador,
    descripcion: row.descripcion,
    monto: centavosToPesos(row.montoCentavos),
    urgente: row.urgente,
    createdAt: row.createdAt.toISOString(),
    auditorId: row.auditorId,
  };
}

export function toPresupuestoDto(row: Presupuesto): PresupuestoDto {
  return {
    ...toPendienteDto(row),
    estado: row.estado as Estado,
    version: row.version,
    updatedAt: row.updatedAt.toISOString(),
    createdById: row.createdById,
  };
}
