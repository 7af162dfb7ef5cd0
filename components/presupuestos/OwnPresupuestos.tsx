"use client";

import useSWR from "swr";

import { keys } from "@/lib/client/api";
import { formatDateTime } from "@/lib/dates";
import { formatArs } from "@/lib/money";
import type { PresupuestosResult } from "@/lib/presupuestos/queries";

const adminRefreshMs = 10_000;

const estadoLabels = {
  PENDIENTE: "Pendiente",
  APROBADO: "Aprobado",
  RECHAZADO: "Rechazado",
  OBSERVADO: "Observado",
} as const;

/**
 * Lists the presupuestos the user loaded. A decision notifies the user, and the
 * live notification count makes this list refetch, so states change live.
 */
export function OwnPresupuestos({ everyone }: { everyone: boolean }) {
  // An admin's list shows other users' presupuestos, whose decisions bring
  // the admin no notification, so it also refetches on a timer.
  const { data, error, isLoading } = useSWR<PresupuestosResult>(
    keys.presupuestos,
    { refreshInterval: everyone ? adminRefreshMs : 0 },
  );
  if (isLoading) return <p className="muted">Cargando…</p>;
  if (error) return <p className="form-error">{(error as Error).message}</p>;
  if (!data || data.presupuestos.length === 0) {
    return <p className="empty">Todavía no cargaste presupuestos.</p>;
  }
  return (
    <table className="table" data-testid="own-presupuestos">
      <thead>
        <tr>
          <th>Número</th>
          <th>Afiliado</th>
          <th>Prestador</th>
          <th className="numeric">Monto</th>
          <th>Estado</th>
          <th>Cargado</th>
        </tr>
      </thead>
      <tbody>
        {data.presupuestos.map((item) => (
          <tr key={item.id} data-numero={item.numero}>
            <td>
              {item.numero}
              {item.urgente && <span className="tag tag-urgent">Urgente</span>}
            </td>
            <td>{item.afiliado}</td>
            <td>{item.prestador}</td>
            <td className="numeric">{formatArs(item.monto)}</td>
            <td>
              <span
                className={`estado estado-${item.estado.toLowerCase()}`}
                data-testid="estado"
              >
                {estadoLabels[item.estado]}
              </span>
            </td>
            <td>{formatDateTime(item.createdAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
