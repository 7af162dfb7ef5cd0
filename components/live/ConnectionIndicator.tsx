"use client";

import { useStreamState } from "./LiveUpdatesProvider";

const labels = {
  connecting: "Conectando…",
  open: "Conectado",
  reconnecting: "Reconectando…",
  unauthenticated: "Sesión vencida",
  closed: "Desconectado: demasiadas pestañas abiertas",
} as const;

/** Shows whether live updates are flowing. */
export function ConnectionIndicator() {
  const state = useStreamState();
  return (
    <span
      className={`connection connection-${state}`}
      role="status"
      aria-live="polite"
      title={
        state === "open"
          ? "Las novedades llegan en vivo."
          : "Sin conexión en vivo: los datos pueden estar desactualizados."
      }
      data-state={state}
    >
      <span className="connection-dot" aria-hidden="true" />
      {labels[state]}
    </span>
  );
}
