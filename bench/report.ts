import type { TargetName } from "./options";
import type { BurstResult, IdleResult, RoundsResult } from "./phases";
import type { Summary } from "./stats";

// Turns the results of a run into the Markdown tables of docs/benchmarks.md.

export type TargetResults = {
  idle?: IdleResult;
  fanoutDistinct?: RoundsResult;
  fanoutShared?: RoundsResult;
  e2e?: RoundsResult;
  bursts?: BurstResult[];
  /** Error lines the servers logged, over all phases. */
  serverErrors?: { count: number; first: string | null };
};

type Figure = number[] | null;

const kib = (bytes: number) => bytes / 1024;

function format(values: Figure, digits: number): string {
  if (!values) return "–";
  return values.map((value) => value.toFixed(digits)).join(" / ");
}

function ratio(measured: Figure, plain: Figure): string {
  if (!measured || !plain) return "–";
  return measured
    .map((value, position) => {
      const base = plain[position]!;
      return base > 0 ? `${(value / base).toFixed(2)}×` : "–";
    })
    .join(" / ");
}

const percentiles = (
  summary: Summary | null | undefined,
  keys: (keyof Summary)[],
) => (summary && summary.count > 0 ? keys.map((key) => summary[key]) : null);

type Row = {
  measure: string;
  pick: (results: TargetResults) => Figure;
  digits: number;
};

function rows(all: TargetResults[]): Row[] {
  const first = <Key extends keyof TargetResults>(key: Key) =>
    all.map((results) => results[key]).find(Boolean);
  const idle = first("idle");
  const distinct = first("fanoutDistinct");
  const shared = first("fanoutShared");
  const e2e = first("e2e");
  const list: Row[] = [];
  if (idle) {
    const n = idle.streams;
    list.push(
      {
        measure: `Open ${n} streams, wall time (s)`,
        pick: (r) => (r.idle ? [r.idle.open.wallMs / 1000] : null),
        digits: 1,
      },
      {
        measure: "Open one stream, p50 / p99 (ms)",
        pick: (r) => percentiles(r.idle?.open.perStream, ["p50", "p99"]),
        digits: 1,
      },
      {
        measure: `RSS per idle stream, ${n} open (KiB)`,
        pick: (r) => (r.idle ? [kib(r.idle.rssPerStream)] : null),
        digits: 1,
      },
      {
        measure: `V8 heap per idle stream, ${n} open (KiB)`,
        pick: (r) => (r.idle ? [kib(r.idle.heapPerStream)] : null),
        digits: 1,
      },
      {
        measure:
          `CPU with ${n} idle streams, heartbeat every ` +
          `${idle.heartbeatMs} ms, minus idle server (ms per s)`,
        pick: (r) =>
          r.idle ? [r.idle.loadedCpuMsPerS - r.idle.idleCpuMsPerS] : null,
        digits: 1,
      },
    );
  }
  if (distinct) {
    list.push({
      measure: `Create request during fan-out to ${distinct.streams}, p50 / p95 (ms)`,
      pick: (r) => percentiles(r.fanoutDistinct?.createRequest, ["p50", "p95"]),
      digits: 1,
    });
    list.push({
      measure:
        `Fan-out to ${distinct.streams} streams of ${distinct.accounts} ` +
        "accounts, p50 / p99 / max (ms)",
      pick: (r) => percentiles(r.fanoutDistinct?.create, ["p50", "p99", "max"]),
      digits: 1,
    });
  }
  if (shared) {
    list.push({
      measure:
        `Fan-out to ${shared.streams} streams of ${shared.accounts} ` +
        "accounts, p50 / p99 / max (ms)",
      pick: (r) => percentiles(r.fanoutShared?.create, ["p50", "p99", "max"]),
      digits: 1,
    });
  }
  if (e2e) {
    const where = `${e2e.streams} auditor streams`;
    list.push(
      {
        measure: `Create → auditors' list, ${where}, p50 / p95 (ms)`,
        pick: (r) => percentiles(r.e2e?.create, ["p50", "p95"]),
        digits: 1,
      },
      {
        measure: `Decision → creator's badge, ${where}, p50 / p95 (ms)`,
        pick: (r) => percentiles(r.e2e?.decideBadge, ["p50", "p95"]),
        digits: 1,
      },
      {
        measure: `Decision → auditors' list, ${where}, p50 / p95 (ms)`,
        pick: (r) => percentiles(r.e2e?.decideList, ["p50", "p95"]),
        digits: 1,
      },
    );
  }
  return list;
}

/**
 * Returns the comparison table: the app, the bare Next.js route and the
 * plain server, with the app's and Next.js's figures as ratios to plain.
 */
export function comparisonTable(
  results: Partial<Record<TargetName, TargetResults>>,
): string {
  const app = results.app ?? {};
  const next = results.next ?? {};
  const plain = results.plain ?? {};
  const lines = [
    "| measure | app | bare Next.js route | plain node:http | app / plain | Next.js / plain |",
    "| --- | --- | --- | --- | --- | --- |",
  ];
  for (const row of rows([app, next, plain])) {
    const figures = [row.pick(app), row.pick(next), row.pick(plain)];
    const cells = figures.map((figure) => format(figure, row.digits));
    lines.push(
      `| ${row.measure} | ${cells.join(" | ")} | ` +
        `${ratio(figures[0]!, figures[2]!)} | ${ratio(figures[1]!, figures[2]!)} |`,
    );
  }
  return lines.join("\n");
}

/** Lists failed phases, streams that missed events and logged errors. */
export function failureNotes(
  results: Partial<Record<TargetName, TargetResults>>,
): string {
  const notes: string[] = [];
  for (const [name, result] of Object.entries(results)) {
    const phases = {
      "fan-out": result.fanoutDistinct,
      "fan-out, shared accounts": result.fanoutShared,
      "end to end": result.e2e,
    };
    for (const [phase, rounds] of Object.entries(phases)) {
      if (rounds?.failure) notes.push(`${name} ${phase}: ${rounds.failure}`);
      if (rounds && rounds.missing > 0) {
        notes.push(
          `${name} ${phase}: ${rounds.missing} awaited events missing`,
        );
      }
    }
    for (const burst of result.bursts ?? []) {
      if (burst.missing > 0) {
        notes.push(
          `${name} burst with ${burst.auditors} auditors: ` +
            `${burst.missing} streams never received it`,
        );
      }
    }
    if (result.serverErrors && result.serverErrors.count > 0) {
      notes.push(
        `${name}: the server logged ${result.serverErrors.count} errors; ` +
          `first: ${result.serverErrors.first}`,
      );
    }
  }
  return notes.map((note) => `- ${note}`).join("\n");
}

/**
 * Counts the pending-list snapshot reads of a burst: each runs one
 * COUNT(*) over Presupuesto, which no mutation does.
 * NOTE: tied to the SQL that Prisma 7 emits for readPresupuestosSnapshots.
 */
function presupuestosReads(burst: BurstResult): number {
  return Object.entries(burst.bySql)
    .filter(
      ([sql]) => sql.includes("COUNT(*)") && sql.includes("`Presupuesto`"),
    )
    .reduce((sum, [, count]) => sum + count, 0);
}

/** Returns the table of SQL statements per burst, for the app only. */
export function burstTable(bursts: BurstResult[] | undefined): string {
  if (!bursts || bursts.length === 0) return "";
  const baseline = bursts.find((burst) => burst.streams === 0);
  const lines = [
    "| auditors connected (streams) | statements | minus no streams | pending-list snapshot reads |",
    "| --- | --- | --- | --- |",
  ];
  for (const burst of bursts) {
    const extra = baseline ? burst.statements - baseline.statements : "–";
    lines.push(
      `| ${burst.auditors} (${burst.streams}) | ${burst.statements} | ` +
        `${extra} | ${presupuestosReads(burst)} |`,
    );
  }
  return lines.join("\n");
}

/** Lists the statements a burst ran beyond the one with no streams. */
export function burstBreakdown(bursts: BurstResult[] | undefined): string {
  if (!bursts || bursts.length < 2) return "";
  const baseline = bursts.find((burst) => burst.streams === 0);
  const largest = bursts[bursts.length - 1]!;
  const lines = [
    `Statements beyond the burst with no streams, ${largest.auditors} auditors:`,
  ];
  for (const [sql, count] of Object.entries(largest.bySql)) {
    const extra = count - (baseline?.bySql[sql] ?? 0);
    if (extra !== 0) lines.push(`  ${extra}× ${sql}`);
  }
  return lines.join("\n");
}
