import type { Prisma } from "../generated/prisma/client";

const yearFormat = new Intl.DateTimeFormat("en", {
  year: "numeric",
  timeZone: "America/Argentina/Buenos_Aires",
});

/**
 * Reserves the next human-readable number, for example P-2026-000123, in
 * the caller's transaction. Numbers restart each year (in Buenos Aires
 * time) and are never reused, because the counter row is incremented in
 * the same transaction that creates the presupuesto.
 */
export async function nextNumero(
  tx: Prisma.TransactionClient,
  now: Date,
): Promise<string> {
  const year = Number(yearFormat.format(now));
  const sequence = await tx.presupuestoSequence.upsert({
    where: { year },
    create: { year, last: 1 },
    update: { last: { increment: 1 } },
  });
  return `P-${year}-${String(sequence.last).padStart(6, "0")}`;
}
