// Amounts travel as numbers of pesos with at most two decimals and are
// stored as integer centavos, so no sum or comparison ever uses a float.

/** Largest amount accepted, in pesos: below 10^10 ARS. */
export const maxMontoPesos = 9_999_999_999.99;

/** Converts pesos to centavos; returns null when it has over two decimals. */
export function pesosToCentavos(pesos: number): bigint | null {
  if (!Number.isFinite(pesos)) return null;
  // toFixed(2) rounds in decimal, so it round-trips exactly for every
  // amount with at most two decimals, where pesos * 100 does not
  // (1.15 * 100 is 114.99999999999999).
  if (Number(pesos.toFixed(2)) !== pesos) return null;
  return BigInt(Math.round(pesos * 100));
}

/** Converts centavos to pesos. Exact below 2^53 centavos (9e13 ARS). */
export function centavosToPesos(centavos: bigint): number {
  return Number(centavos) / 100;
}

const arsFormat = new Intl.NumberFormat("es-AR", {
  style: "currency",
  currency: "ARS",
  minimumFractionDigits: 2,
});

/** Formats pesos as Argentine currency, for example "$ 1.234,50". */
export function formatArs(pesos: number): string {
  return arsFormat.format(pesos);
}

/**
 * Parses an amount typed in Argentine notation ("1.234.567,89" or
 * "1234567,89") or with a decimal point ("1234567.89"). Returns null when the
 * text is not an amount.
 */
export function parseArsInput(text: string): number | null {
  const trimmed = text.replace(/[\s$]/g, "").replace(/^ARS/i, "");
  // A sign is kept so that validation reports that the amount must be positive.
  const negative = trimmed.startsWith("-");
  const cleaned = negative ? trimmed.slice(1) : trimmed;
  if (cleaned === "") return null;
  let normalized: string;
  if (/^\d{1,3}(\.\d{3})+(,\d{1,2})?$/.test(cleaned)) {
    normalized = cleaned.replace(/\./g, "").replace(",", ".");
  } else if (/^\d+(,\d{1,2})?$/.test(cleaned)) {
    normalized = cleaned.replace(",", ".");
  } else if (/^\d+(\.\d{1,2})?$/.test(cleaned)) {
    normalized = cleaned;
  } else {
    return null;
  }
  return negative ? -Number(normalized) : Number(normalized);
}
