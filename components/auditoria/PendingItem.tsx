"use client";

import { useState, useTransition } from "react";
import { useSWRConfig } from "swr";

import { keys } from "@/lib/client/api";
import { formatDateTime } from "@/lib/dates";
import { formatArs } from "@/lib/money";
import {
  assignToMeAction,
  decidePresupuestoAction,
} from "@/lib/presupuestos/actions";
import type { PendienteDto } from "@/lib/presupuestos/serialize";

type Decision = "APROBADO" | "RECHAZADO" | "OBSERVADO";

const buttons: Array<{ decision: Decision; label: string; className: string }> =
  [
    { decision: "APROBADO", label: "Aprobar", className: "button-approve" },
    { decision: "OBSERVADO", label: "Observar", className: "button-observe" },
    { decision: "RECHAZADO", label: "Rechazar", className: "button-reject" },
  ];

/** Renders one pending presupuesto with the auditor's decision controls. */
export function PendingItem({
  item,
  userId,
  highlighted,
}: {
  item: PendienteDto;
  userId: string;
  highlighted: boolean;
}) {
  const [comentario, setComentario] = useState("");
  const [failure, setFailure] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const { mutate } = useSWRConfig();
  const mine = item.auditorId === userId;

  const decide = (decision: Decision) => {
    if (decision !== "APROBADO" && comentario.trim() === "") {
      setFailure(
        "Escribí un comentario: es obligatorio para observar o rechazar.",
      );
      return;
    }
    startTransition(async () => {
      const result = await decidePresupuestoAction(item.id, {
        decision,
        comentario: comentario.trim() === "" ? undefined : comentario,
      });
      if (!result.ok) {
        const fieldMessages = Object.values(result.error.fields ?? {}).flat();
        setFailure(fieldMessages.join(" ") || result.error.message);
        // A 409 means the list is stale: fetch the current one.
        if (result.error.code === "conflict") await mutate(keys.pendientes);
      }
    });
  };

  const toggleAssignment = () =>
    startTransition(async () => {
      const result = await assignToMeAction(item.id, !mine);
      setFailure(result.ok ? null : result.error.message);
    });

  return (
    <li
      className={`pending-item${highlighted ? " highlighted" : ""}${item.urgente ? " urgent" : ""}`}
      data-testid="pendiente"
      data-numero={item.numero}
    >
      <div className="pending-summary">
        <div>
          <strong>{item.numero}</strong>
          {item.urgente && <span className="tag tag-urgent">Urgente</span>}
          {highlighted && <span className="tag tag-new">Nuevo</span>}
          {mine && <span className="tag">Asignado a vos</span>}
        </div>
        <span className="amount">{formatArs(item.monto)}</span>
      </div>
      <p className="pending-description">{item.descripcion}</p>
      <p className="muted">
        {item.afiliado} (afiliado {item.afiliadoNumero}) · {item.prestador} ·
        cargado {formatDateTime(item.createdAt)}
      </p>
      <div className="decision">
        <label>
          <span className="visually-hidden">Comentario para {item.numero}</span>
          <textarea
            value={comentario}
            onChange={(event) => setComentario(event.target.value)}
            placeholder="Comentario (obligatorio para observar o rechazar)"
            maxLength={2000}
            rows={2}
          />
        </label>
        <div className="decision-buttons">
          {buttons.map((button) => (
            <button
              key={button.decision}
              type="button"
              className={button.className}
              disabled={pending}
              onClick={() => decide(button.decision)}
            >
              {button.label}
            </button>
          ))}
          <button
            type="button"
            className="button-secondary"
            disabled={pending}
            onClick={toggleAssignment}
          >
            {mine ? "Liberar" : "Tomar"}
          </button>
        </div>
        {failure && (
          <p className="form-error" role="alert">
            {failure}
          </p>
        )}
      </div>
    </li>
  );
}
