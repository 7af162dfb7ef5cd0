import { request } from "./api";
import type { TestServer } from "./server";

// Reads GET /api/metrics and the samples in its Prometheus text format.

/** Returns the metrics text, authenticating with the bearer `token`. */
export async function readMetrics(
  server: TestServer,
  token: string,
): Promise<string> {
  const response = await request<string>(server.baseUrl, "/api/metrics", {
    headers: { Authorization: `Bearer ${token}` },
  });
  if (response.status !== 200) {
    throw new Error(`GET /api/metrics: HTTP ${response.status}`);
  }
  return response.body;
}

/**
 * Returns the sum of the samples of `name` across all label sets, or 0
 * when the metric has no sample yet. `name` must be a full sample name,
 * for example `http_requests_total` or `latency_seconds_count`.
 */
export function sampleSum(text: string, name: string): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (match && match[1] === name) sum += Number(match[3]);
  }
  return sum;
}

/**
 * Returns the value of the sample `name` whose labels include every pair in
 * `labels`, or 0 when there is none, for example
 * `sampleValue(text, "sse_snapshots_read_total", { kind: "presupuestos" })`.
 */
export function sampleValue(
  text: string,
  name: string,
  labels: Record<string, string>,
): number {
  const expectedPairs = Object.entries(labels).map(
    ([label, value]) => `${label}="${value}"`,
  );
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}\s+(\S+)/.exec(line);
    if (!match || match[1] !== name) continue;
    // Splitting at commas is enough for label values without commas.
    const pairs = match[2]!.split(",");
    if (expectedPairs.every((pair) => pairs.includes(pair))) {
      return Number(match[3]);
    }
  }
  return 0;
}
