// `npm run bench`: benchmarks the app's event stream against a bare Next.js
// route and a plain node:http SSE server. Run it with --help for the
// options. docs/benchmarks.md explains the measurements and records results.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { appTargetFactory } from "./app-target";
import { ClientPool, maxStreamsPerClient } from "./client-pool";
import {
  parseOptions,
  usage,
  type BenchOptions,
  type TargetName,
} from "./options";
import {
  countBurst,
  measureIdle,
  openAuditors,
  runRounds,
  StreamIndex,
} from "./phases";
import { baselineTargetFactory, type PayloadSizes } from "./plain-target";
import {
  burstBreakdown,
  burstTable,
  comparisonTable,
  failureNotes,
  type TargetResults,
} from "./report";
import { progress } from "./stats";
import type { TargetFactory } from "./targets";

const resultsDir = path.resolve("bench/results");
/** The app's default SSE_HEARTBEAT_MS, used outside the idle phase. */
const defaultHeartbeatMs = 30_000;
const idleHeartbeatMs = 1_000;

function machine() {
  const git = (...args: string[]) =>
    execFileSync("git", args, { encoding: "utf8" }).trim();
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? "unknown",
    memoryGiB: Number((os.totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    kernel: os.release(),
    loadAverage: os.loadavg(),
    commit: git("rev-parse", "--short", "HEAD"),
    uncommittedFiles: git("status", "--porcelain").split("\n").filter(Boolean)
      .length,
  };
}

/** Runs the fan-out, end-to-end and query phases on one server. */
async function runActive(
  factory: TargetFactory,
  pool: ClientPool,
  options: BenchOptions,
  results: TargetResults,
  sizes: PayloadSizes,
  stamp: string,
) {
  const want = new Set(options.phases);
  const fanoutStreams = options.fanoutStreams;
  const target = await factory.start({
    heartbeatMs: defaultHeartbeatMs,
    maxStreams: Math.max(fanoutStreams, options.e2eStreams) + 1,
  });
  const index = new StreamIndex();
  const accounts = (streams: number) => Math.min(streams, options.users);
  const distinct = (offset: number) => (ordinal: number) =>
    (offset + ordinal) % options.users;
  const concurrency = options.openConcurrency;
  try {
    const counting = want.has("queries") && target.countsQueries;
    const bursts = [];
    let open: number[] = [];
    if (counting) {
      progress(`${target.name}: counting statements, no streams`);
      bursts.push(await countBurst(target, pool, [], 0, options.burst, "q0"));
      open = index.take(Math.min(options.burstSmallK, fanoutStreams));
      await openAuditors(target, pool, open, distinct(0), concurrency);
      progress(`${target.name}: counting statements, ${open.length} streams`);
      bursts.push(
        await countBurst(
          target,
          pool,
          open,
          accounts(open.length),
          options.burst,
          "q1",
        ),
      );
    }
    if (want.has("fanout") || counting) {
      const more = index.take(fanoutStreams - open.length);
      await openAuditors(
        target,
        pool,
        more,
        distinct(open.length),
        concurrency,
      );
      open = [...open, ...more];
    }
    if (want.has("fanout")) {
      progress(`${target.name}: fan-out to ${open.length} streams`);
      if (options.cpuProfile) await target.server.startProfile();
      results.fanoutDistinct = await runRounds(
        target,
        pool,
        open,
        accounts(open.length),
        null,
        options.fanoutRounds,
        "fanout",
      );
      if (options.cpuProfile) {
        const file = path.join(
          resultsDir,
          `${stamp}-${target.name}-fanout.cpuprofile`,
        );
        await target.server.stopProfile(file);
        progress(`${target.name}: CPU profile in ${file}`);
      }
    }
    if (counting) {
      progress(`${target.name}: counting statements, ${open.length} streams`);
      bursts.push(
        await countBurst(
          target,
          pool,
          open,
          accounts(open.length),
          options.burst,
          "q2",
        ),
      );
      results.bursts = bursts;
    }
    if (want.has("e2e")) {
      const e2eStreams = options.e2eStreams;
      if (open.length > e2eStreams) {
        await pool.close(open.slice(e2eStreams));
        open = open.slice(0, e2eStreams);
      } else if (open.length < e2eStreams) {
        const more = index.take(e2eStreams - open.length);
        await openAuditors(
          target,
          pool,
          more,
          distinct(open.length),
          concurrency,
        );
        open = [...open, ...more];
      }
      const [creator] = index.take(1);
      const opened = await pool.open(
        target,
        [target.creatorStream(creator!)],
        1,
      );
      if (opened.failed > 0) {
        throw new Error(
          `creator stream failed: ${JSON.stringify(opened.failures)}`,
        );
      }
      progress(`${target.name}: end to end with ${open.length} streams`);
      results.e2e = await runRounds(
        target,
        pool,
        open,
        accounts(open.length),
        creator!,
        options.e2eRounds,
        "e2e",
      );
    }
    if (target.name === "app") {
      const stats = await pool.stats();
      if (stats.maxPresupuestosBytes > 0) {
        sizes.presupuestosEventBytes = stats.maxPresupuestosBytes;
      }
    }
    await pool.closeAll();
    if (want.has("fanout")) {
      const perAccount = options.streamsPerAccount;
      open = index.take(fanoutStreams);
      await openAuditors(
        target,
        pool,
        open,
        (ordinal) => Math.floor(ordinal / perAccount) % options.users,
        concurrency,
      );
      progress(
        `${target.name}: fan-out to ${open.length} streams, ` +
          `${perAccount} per account`,
      );
      results.fanoutShared = await runRounds(
        target,
        pool,
        open,
        Math.min(options.users, Math.ceil(open.length / perAccount)),
        null,
        options.fanoutRounds,
        "shared",
      );
      await pool.closeAll();
    }
  } finally {
    await target.stop();
    addLoggedErrors(results, target.server.loggedErrors());
  }
}

function addLoggedErrors(
  results: TargetResults,
  logged: { count: number; first: string | null },
) {
  const previous = results.serverErrors ?? { count: 0, first: null };
  results.serverErrors = {
    count: previous.count + logged.count,
    first: previous.first ?? logged.first,
  };
  if (logged.count > 0) {
    progress(`server logged ${logged.count} errors; first: ${logged.first}`);
  }
}

async function runIdle(
  factory: TargetFactory,
  pool: ClientPool,
  options: BenchOptions,
  results: TargetResults,
  stamp: string,
) {
  const target = await factory.start({
    heartbeatMs: idleHeartbeatMs,
    maxStreams: options.streams + 1,
  });
  try {
    progress(`${target.name}: opening ${options.streams} idle streams`);
    results.idle = await measureIdle(
      target,
      pool,
      new StreamIndex(),
      options.streams,
      Math.min(options.streams, options.users),
      options.openConcurrency,
      idleHeartbeatMs,
      options.heartbeatWindowS,
      options.heapSnapshot
        ? path.join(resultsDir, `${stamp}-${target.name}`)
        : null,
      options.cpuProfile
        ? path.join(resultsDir, `${stamp}-${target.name}-open.cpuprofile`)
        : null,
    );
    await pool.closeAll();
  } finally {
    await target.stop();
    addLoggedErrors(results, target.server.loggedErrors());
  }
}

async function main(): Promise<void> {
  let options: BenchOptions | null;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(
      `${(error as Error).message}\nRun npm run bench -- --help for the options.`,
    );
    process.exitCode = 1;
    return;
  }
  if (!options) {
    console.log(usage);
    return;
  }
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, "-");
  // Heap snapshots and CPU profiles are written here during the run.
  mkdirSync(resultsDir, { recursive: true });
  const command = ["npm run bench --", ...process.argv.slice(2)].join(" ");
  const before = machine();
  const sizes: PayloadSizes = { presupuestosEventBytes: 8_192 };
  const factories: TargetFactory[] = [];
  // The app runs first: the baselines send events of the size it sent.
  if (options.targets.includes("app")) {
    factories.push(appTargetFactory(options));
  }
  for (const name of ["next", "plain"] as const) {
    if (options.targets.includes(name)) {
      factories.push(baselineTargetFactory(name, options, sizes));
    }
  }
  const largest = Math.max(
    options.streams,
    options.fanoutStreams,
    options.e2eStreams,
  );
  const processes = Math.max(
    options.clients,
    Math.ceil(largest / maxStreamsPerClient),
  );
  const maxLifetimeMs = options.maxMinutes * 60_000;
  const results: Partial<Record<TargetName, TargetResults>> = {};

  const abort = setTimeout(() => {
    console.error(`bench: aborted after --max-minutes ${options.maxMinutes}`);
    process.exit(2);
  }, maxLifetimeMs);
  try {
    for (const factory of factories) {
      const pool = new ClientPool(processes, maxLifetimeMs);
      const targetResults: TargetResults = {};
      results[factory.name] = targetResults;
      try {
        await factory.prepare();
        const want = options.phases;
        if (want.some((phase) => phase !== "idle")) {
          await runActive(factory, pool, options, targetResults, sizes, stamp);
        }
        if (want.includes("idle")) {
          await runIdle(factory, pool, options, targetResults, stamp);
        }
      } finally {
        await pool.stop();
      }
    }
  } finally {
    clearTimeout(abort);
    for (const factory of factories) factory.cleanup();
  }

  const record = {
    command,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: before,
    loadAverageAtEnd: os.loadavg(),
    clientProcesses: processes,
    presupuestosEventBytes: sizes.presupuestosEventBytes,
    options,
    results,
  };
  mkdirSync(resultsDir, { recursive: true });
  const file = path.join(resultsDir, `${stamp}.json`);
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);

  const app = results.app ?? {};
  console.log(`\n${command}`);
  console.log(
    `${before.cpus} × ${before.cpuModel}, ${before.memoryGiB} GiB, Node ` +
      `${before.node}; load average ${before.loadAverage.map((l) => l.toFixed(2)).join(", ")}`,
  );
  console.log(`\n${comparisonTable(results)}\n`);
  const notes = failureNotes(results);
  if (notes) console.log(`Failures:\n${notes}\n`);
  const bursts = burstTable(app.bursts);
  if (bursts) {
    console.log(
      `SQL statements per burst of ${options.burst} creations (app):\n`,
    );
    console.log(`${bursts}\n\n${burstBreakdown(app.bursts)}\n`);
  }
  console.log(`Results: ${path.relative(process.cwd(), file)}`);
}

main().catch((error: unknown) => {
  console.error(
    `bench failed: ${error instanceof Error ? error.stack : error}`,
  );
  process.exit(1);
});
