"use client";

import { useEffect, useRef, useState } from "react";
import useSWR from "swr";

import { keys } from "@/lib/client/api";
import type { PresupuestosSnapshot } from "@/lib/realtime/snapshots";
import { PendingItem } from "./PendingItem";

const highlightMs = 8_000;

/**
 * Shows the auditor's live queue. Items that arrive after the first paint are
 * highlighted for a few seconds so that they are noticed.
 */
export function PendingList({ userId }: { userId: string }) {
  const { data, error, isLoading } = useSWR<PresupuestosSnapshot>(
    keys.pendientes,
  );
  const seen = useRef<Set<string> | null>(null);
  const [fresh, setFresh] = useState<Set<string>>(new Set());

  useEffect(() => {
    if (!data) return;
    const ids = data.pendientes.map((item) => item.id);
    if (seen.current === null) {
      seen.current = new Set(ids);
      return;
    }
    const arrived = ids.filter((id) => !seen.current!.has(id));
    ids.forEach((id) => seen.current!.add(id));
    if (arrived.length === 0) return;
    setFresh((current) => new Set([...current, ...arrived]));
    const timer = setTimeout(() => {
      setFresh((current) => {
        const next = new Set(current);
        arrived.forEach((id) => next.delete(id));
        return next;
      });
    }, highlightMs);
    return () => clearTimeout(timer);
  }, [data]);

  if (isLoading) return <p className="muted">Cargando pendientes…</p>;
  if (error) {
    return (
      <p className="form-error">
        No se pudo cargar la lista: {(error as Error).message}
      </p>
    );
  }
  if (!data || data.pendientes.length === 0) {
    return (
      <p className="empty" data-testid="pendientes-empty">
        No hay presupuestos pendientes. Los nuevos aparecen acá solos.
      </p>
    );
  }
  return (
    <>
      <p className="muted" data-testid="pendientes-total">
        {data.total === 1
          ? "1 presupuesto pendiente"
          : `${data.total} presupuestos pendientes`}
        {data.total > data.pendientes.length &&
          ` (se muestran los ${data.pendientes.length} primeros)`}
      </p>
      <ul className="pending-list" data-testid="pendientes">
        {data.pendientes.map((item) => (
          <PendingItem
            key={item.id}
            item={item}
            userId={userId}
            highlighted={fresh.has(item.id)}
          />
        ))}
      </ul>
    </>
  );
}
