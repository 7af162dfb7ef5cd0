/** Latency percentiles of a sample, in milliseconds. */
export type Summary = {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
};

/** Returns the nearest-rank percentile `p` (0–100) of sorted values. */
function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export function summarize(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1]!,
  };
}

export const sleep = (milliseconds: number) =>
  new Promise((resolve) => setTimeout(resolve, milliseconds));

/** process.hrtime() in milliseconds, the clock bench/client.mjs reports in. */
export const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

const startedAt = performance.now();

/** Prints a progress line with the seconds since the bench started. */
export function progress(message: string): void {
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
  console.log(`[${seconds.padStart(6)} s] ${message}`);
}
