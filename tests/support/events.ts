import type { ParsedEvent } from "../../lib/sse/parse";
import type { StreamClient } from "./sse-client";

// Payloads of the `notifications` and `presupuestos` stream events, and
// waits for the states that tests expect them to reach.

export type Pendiente = {
  id: string;
  numero: string;
  afiliado: string;
  afiliadoNumero: string;
  prestador: string;
  descripcion: string;
  monto: number;
  urgente: boolean;
  createdAt: string;
  auditorId: string | null;
};

export type PresupuestosData = {
  pendientes: Pendiente[];
  total: number;
  version: number;
};

export type NotificationsData = { count: number; version: number };

export const pendienteFields = [
  "afiliado",
  "afiliadoNumero",
  "auditorId",
  "createdAt",
  "descripcion",
  "id",
  "monto",
  "numero",
  "prestador",
  "urgente",
];

export function notificationsData(event: ParsedEvent): NotificationsData {
  return JSON.parse(event.data) as NotificationsData;
}

export function presupuestosData(event: ParsedEvent): PresupuestosData {
  return JSON.parse(event.data) as PresupuestosData;
}

export function pendienteIds(event: ParsedEvent): string[] {
  return presupuestosData(event).pendientes.map((item) => item.id);
}

/** Returns the newest event named `name` so far. Throws if none came. */
export function latestEvent(stream: StreamClient, name: string): ParsedEvent {
  const found = stream.events.findLast((event) => event.event === name);
  if (!found) throw new Error(`no ${name} event received yet`);
  return found;
}

/** Returns the unread count of the newest `notifications` event. */
export function latestCount(stream: StreamClient): number {
  return notificationsData(latestEvent(stream, "notifications")).count;
}

/**
 * Waits for the opening snapshots: notifications, and presupuestos too when
 * `withPresupuestos` is set (auditors).
 */
export async function waitForSnapshots(
  stream: StreamClient,
  withPresupuestos: boolean,
): Promise<void> {
  await stream.waitFor((event) => event.event === "notifications", {
    from: 0,
  });
  if (withPresupuestos) {
    await stream.waitFor((event) => event.event === "presupuestos", {
      from: 0,
    });
  }
}

/**
 * Waits for a `notifications` event that carries exactly `count`. `from` is
 * the length of `stream.events` taken before the request that causes the
 * update, so that an event which arrived before this call still counts.
 */
export function waitForCount(
  stream: StreamClient,
  count: number,
  from: number,
): Promise<ParsedEvent> {
  return stream.waitFor(
    (event) =>
      event.event === "notifications" &&
      notificationsData(event).count === count,
    { from },
  );
}

/**
 * Waits for a `presupuestos` event whose list contains `id`, or lacks it.
 * `from` is as for waitForCount.
 */
export function waitForList(
  stream: StreamClient,
  id: string,
  contains: boolean,
  from: number,
): Promise<ParsedEvent> {
  return stream.waitFor(
    (event) =>
      event.event === "presupuestos" &&
      pendienteIds(event).includes(id) === contains,
    { from },
  );
}

/**
 * Returns the index of the first item that breaks the pending order (urgent
 * first, then oldest, then by numero), or -1 when the list is in order.
 */
export function firstOutOfOrder(pendientes: Pendiente[]): number {
  for (let index = 1; index < pendientes.length; index++) {
    const previous = pendientes[index - 1]!;
    const current = pendientes[index]!;
    const order =
      Number(current.urgente) - Number(previous.urgente) ||
      previous.createdAt.localeCompare(current.createdAt) ||
      previous.numero.localeCompare(current.numero);
    if (order > 0) return index;
  }
  return -1;
}

/** Splits raw stream text into event blocks, dropping comments and retry. */
export function eventBlocks(text: string): string[] {
  return text.split("\n\n").filter((block) => /^(event|data):/m.test(block));
}
