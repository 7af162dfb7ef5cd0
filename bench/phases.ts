import type { ClientPool, StreamSpec } from "./client-pool";
import { sleep, nowMs, summarize, type Summary } from "./stats";
import type { Target } from "./targets";

// The measurements, each on a running target with a pool of client
// processes. They do the same steps against the app and the plain server.

/** SSE_COALESCE_MS, the app's default: a change within it is merged. */
const coalesceMs = 100;
/** Pause between changes, so that each one is sent without coalescing. */
const changeGapMs = coalesceMs + 100;

const arrivalTimeoutMs = (streams: number) => 30_000 + streams * 5;

/** Hands out stream indices; a closed index is never reused. */
export class StreamIndex {
  #next = 0;
  take(count: number): number[] {
    const first = this.#next;
    this.#next += count;
    return Array.from({ length: count }, (_, offset) => first + offset);
  }
}

export type OpenSummary = {
  streams: number;
  wallMs: number;
  perStream: Summary;
  failed: number;
};

/**
 * Opens `indices` as auditor streams, the n-th of them on account
 * `account(n)`; throws when any fails, naming the first failures.
 */
export async function openAuditors(
  target: Target,
  pool: ClientPool,
  indices: number[],
  account: (ordinal: number) => number,
  concurrency: number,
): Promise<OpenSummary> {
  const specs: StreamSpec[] = indices.map((index, ordinal) =>
    target.auditorStream(index, account(ordinal)),
  );
  const result = await pool.open(target, specs, concurrency);
  if (result.failed > 0) {
    throw new Error(
      `${target.name}: ${result.failed} of ${indices.length} streams failed ` +
        `to open; first: ${JSON.stringify(result.failures.slice(0, 3))}`,
    );
  }
  return {
    streams: indices.length,
    wallMs: result.wallMs,
    perStream: summarize(result.openMs),
    failed: result.failed,
  };
}

export type RoundsResult = {
  streams: number;
  accounts: number;
  rounds: number;
  /** Create request sent → `presupuestos` event listing it, per stream. */
  create: Summary;
  /** Decision sent → `presupuestos` event without it, per stream. */
  decideList: Summary;
  /** Decision sent → the creator's `notifications` count going up. */
  decideBadge: Summary | null;
  /** Time the create request itself took. */
  createRequest: Summary;
  /** Streams that did not receive an awaited event in time. */
  missing: number;
  /**
   * Set when a change reached no stream at all; the remaining rounds were
   * skipped, because each would only wait for its timeout.
   */
  failure: string | null;
};

/**
 * Runs `rounds` changes: each creates an item and then decides it, timing
 * both at every auditor stream and the decision at the creator's stream.
 */
export async function runRounds(
  target: Target,
  pool: ClientPool,
  auditors: number[],
  accounts: number,
  creator: number | null,
  rounds: number,
  tag: string,
): Promise<RoundsResult> {
  const create: number[] = [];
  const decideList: number[] = [];
  const decideBadge: number[] = [];
  const createRequest: number[] = [];
  const timeoutMs = arrivalTimeoutMs(auditors.length);
  let missing = 0;
  let failure: string | null = null;
  let completed = 0;
  for (let round = 0; round < rounds && !failure; round++) {
    const marker = `Bench ${tag} ${round} ${Date.now().toString(36)}`;
    await pool.watch(auditors, { kind: "contains", markers: [marker] });
    const createdAt = nowMs();
    const id = await target.create(marker);
    createRequest.push(nowMs() - createdAt);
    const created = await pool.wait(timeoutMs);
    for (const [, at] of created.arrivals) create.push(at - createdAt);
    missing += created.missing;
    if (created.arrivals.length === 0) {
      failure = `round ${round}: no stream received the created item within ${timeoutMs} ms`;
      await target.decide(id);
      break;
    }
    await sleep(changeGapMs);

    await pool.watch(auditors, { kind: "lacks", markers: [marker] });
    if (creator !== null) await pool.watch([creator], { kind: "count-above" });
    const decidedAt = nowMs();
    await target.decide(id);
    const decided = await pool.wait(timeoutMs);
    for (const [index, at] of decided.arrivals) {
      if (index === creator) decideBadge.push(at - decidedAt);
      else decideList.push(at - decidedAt);
    }
    missing += decided.missing;
    if (decided.arrivals.length === 0 && !failure) {
      failure = `round ${round}: no stream received the decision within ${timeoutMs} ms`;
    }
    completed += 1;
    await sleep(changeGapMs);
  }
  return {
    streams: auditors.length,
    accounts,
    rounds: completed,
    create: summarize(create),
    decideList: summarize(decideList),
    decideBadge: creator === null ? null : summarize(decideBadge),
    createRequest: summarize(createRequest),
    missing,
    failure,
  };
}

export type BurstResult = {
  /** Distinct auditor accounts with an open stream. */
  auditors: number;
  streams: number;
  changes: number;
  statements: number;
  bySql: Record<string, number>;
  /** Streams that never received the burst's final state. */
  missing: number;
};

/**
 * Sends `changes` creations at once and counts the SQL statements the
 * server ran until their snapshots reached every stream and the trailing
 * coalesced flush is over. The items are decided afterwards, uncounted.
 */
export async function countBurst(
  target: Target,
  pool: ClientPool,
  auditors: number[],
  accounts: number,
  changes: number,
  tag: string,
): Promise<BurstResult> {
  const markers = Array.from(
    { length: changes },
    (_, change) => `Bench ${tag} ${change} ${Date.now().toString(36)}`,
  );
  if (auditors.length > 0) {
    await pool.watch(auditors, { kind: "contains", markers });
  }
  const before = await target.server.probe();
  const ids = await Promise.all(markers.map((marker) => target.create(marker)));
  let missing = 0;
  if (auditors.length > 0) {
    ({ missing } = await pool.wait(arrivalTimeoutMs(auditors.length)));
  }
  await sleep(coalesceMs * 3 + 200);
  const after = await target.server.probe();
  for (const id of ids) await target.decide(id);
  await sleep(coalesceMs * 3 + 200);

  const bySql: Record<string, number> = {};
  for (const [sql, count] of Object.entries(after.statements.bySql)) {
    const delta = count - (before.statements.bySql[sql] ?? 0);
    if (delta > 0) bySql[sql] = delta;
  }
  return {
    auditors: accounts,
    streams: auditors.length,
    changes,
    statements: after.statements.total - before.statements.total,
    bySql,
    missing,
  };
}

export type IdleResult = {
  streams: number;
  accounts: number;
  open: OpenSummary;
  before: MemoryFigures;
  after: MemoryFigures;
  rssPerStream: number;
  heapPerStream: number;
  externalPerStream: number;
  heartbeatMs: number;
  windowS: number;
  /** CPU time per second of the window with no stream open. */
  idleCpuMsPerS: number;
  /** CPU time per second of the window with the streams open and idle. */
  loadedCpuMsPerS: number;
  heartbeatsExpected: number;
  heartbeatsReceived: number;
  heapSnapshots: string[];
};

type MemoryFigures = {
  rssBytes: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
};

async function memoryOf(target: Target, snapshotFile?: string) {
  const report = await target.server.probe(snapshotFile);
  const figures: MemoryFigures = {
    rssBytes: target.server.rssBytes(),
    heapUsed: report.memory.heapUsed,
    heapTotal: report.memory.heapTotal,
    external: report.memory.external,
  };
  return { figures, snapshot: report.heapSnapshot };
}

async function cpuPerSecond(target: Target, windowS: number) {
  const start = target.server.cpuMs();
  await sleep(windowS * 1000);
  return (target.server.cpuMs() - start) / windowS;
}

/**
 * Measures the idle cost of streams: time to open them, memory per stream
 * after a full garbage collection, and CPU time spent with them idle, which
 * is the heartbeat's cost.
 */
export async function measureIdle(
  target: Target,
  pool: ClientPool,
  index: StreamIndex,
  streams: number,
  accounts: number,
  concurrency: number,
  heartbeatMs: number,
  windowS: number,
  snapshotPrefix: string | null,
  /** File for a CPU profile of the opening, or null for no profile. */
  openProfileFile: string | null,
): Promise<IdleResult> {
  // One stream first, so that route loading is not counted as stream cost.
  const warmUp = index.take(1);
  await openAuditors(target, pool, warmUp, () => 0, 1);
  await pool.close(warmUp);
  await sleep(1_000);

  const heapSnapshots: string[] = [];
  const before = await memoryOf(
    target,
    snapshotPrefix ? `${snapshotPrefix}-before.heapsnapshot` : undefined,
  );
  if (before.snapshot) heapSnapshots.push(before.snapshot);
  const idleCpuMsPerS = await cpuPerSecond(target, windowS);

  const indices = index.take(streams);
  if (openProfileFile) await target.server.startProfile();
  const open = await openAuditors(
    target,
    pool,
    indices,
    (ordinal) => ordinal % accounts,
    concurrency,
  );
  if (openProfileFile) await target.server.stopProfile(openProfileFile);
  await sleep(2_000);
  const after = await memoryOf(target);

  const statsBefore = await pool.stats();
  const loadedCpuMsPerS = await cpuPerSecond(target, windowS);
  const statsAfter = await pool.stats();
  if (snapshotPrefix) {
    const loaded = await memoryOf(
      target,
      `${snapshotPrefix}-after.heapsnapshot`,
    );
    if (loaded.snapshot) heapSnapshots.push(loaded.snapshot);
  }
  await pool.close(indices);

  const heartbeatsExpected =
    Math.floor((windowS * 1000) / heartbeatMs) * streams;
  const heartbeatsReceived = statsAfter.comments - statsBefore.comments;
  if (heartbeatsReceived < heartbeatsExpected * 0.9) {
    console.warn(
      `${target.name}: only ${heartbeatsReceived} of about ` +
        `${heartbeatsExpected} heartbeats arrived in the CPU window`,
    );
  }
  return {
    streams,
    accounts,
    open,
    before: before.figures,
    after: after.figures,
    rssPerStream: (after.figures.rssBytes - before.figures.rssBytes) / streams,
    heapPerStream: (after.figures.heapUsed - before.figures.heapUsed) / streams,
    externalPerStream:
      (after.figures.external - before.figures.external) / streams,
    heartbeatMs,
    windowS,
    idleCpuMsPerS,
    loadedCpuMsPerS,
    heartbeatsExpected,
    heartbeatsReceived,
    heapSnapshots,
  };
}
