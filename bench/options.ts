import { parseArgs, type ParseArgsConfig } from "node:util";

export type TargetName = "app" | "next" | "plain";
export type PhaseName = "idle" | "fanout" | "e2e" | "queries";

export type BenchOptions = {
  /** Streams held open in the idle phase (memory, open time, heartbeats). */
  streams: number;
  /** Streams that receive each change in the fan-out phase. */
  fanoutStreams: number;
  /** Auditor streams connected during the end-to-end phase. */
  e2eStreams: number;
  /** Distinct bench auditor accounts, which streams use round-robin. */
  users: number;
  /** Streams per account in the shared-account fan-out. */
  streamsPerAccount: number;
  /** The app's SSE_MAX_STREAMS_PER_USER, or null for the app's default. */
  maxStreamsPerUser: number | null;
  fanoutRounds: number;
  e2eRounds: number;
  /** Changes (M) per burst in the query-count phase. */
  burst: number;
  /** The small number of connected auditors (K) for the query count. */
  burstSmallK: number;
  clients: number;
  openConcurrency: number;
  heartbeatWindowS: number;
  targets: TargetName[];
  phases: PhaseName[];
  heapSnapshot: boolean;
  cpuProfile: boolean;
  logLevel: string;
  rebuild: boolean;
  keepData: boolean;
  maxMinutes: number;
};

/** The app's default SSE_MAX_STREAMS_PER_USER (lib/env.ts). */
const appStreamsPerUser = 10;

const defaults = {
  streams: 200,
  "fanout-streams": 200,
  "e2e-streams": 100,
  users: 50,
  "streams-per-account": 10,
  rounds: 5,
  "e2e-rounds": 8,
  burst: 5,
  "burst-small-k": 10,
  clients: 2,
  "open-concurrency": 64,
  "heartbeat-window": 3,
  "max-minutes": 30,
};

export const usage = `Usage: npm run bench -- [options]

Benchmarks the app's event stream (a production build in .next-bench,
served by next start) against two baselines on 127.0.0.1: the same
minimal logic as Next.js route handlers (bench/next-floor) and as a plain
node:http server (bench/plain-server.mjs).

Sizes:
  --streams N           idle streams for open time, memory and heartbeat
                        CPU (default ${defaults.streams})
  --fanout-streams N    streams that receive each change in the fan-out
                        phase (default ${defaults["fanout-streams"]})
  --e2e-streams N       auditor streams in the end-to-end phase
                        (default ${defaults["e2e-streams"]})
  --users N             distinct bench auditor accounts, each signed in
                        once; streams use them round-robin
                        (default ${defaults.users})
  --streams-per-account N
                        streams per account in the second fan-out run
                        (default ${defaults["streams-per-account"]})
  --max-streams-per-user N
                        sets the app's SSE_MAX_STREAMS_PER_USER (default:
                        the app's own, ${appStreamsPerUser}); the app closes a
                        user's oldest stream beyond it
  --rounds N            changes timed in the fan-out phase
                        (default ${defaults.rounds})
  --e2e-rounds N        create and decide rounds in the end-to-end phase
                        (default ${defaults["e2e-rounds"]})
  --burst N             changes per burst when counting SQL statements
                        (default ${defaults.burst})
  --burst-small-k N     the smaller number of connected auditors when
                        counting SQL statements (default ${defaults["burst-small-k"]})

Load generation:
  --clients N           client processes holding the streams; raised so
                        that none holds more than 5000 (default ${defaults.clients})
  --open-concurrency N  streams being opened at once, across all client
                        processes (default ${defaults["open-concurrency"]})
  --heartbeat-window S  seconds over which idle and heartbeat CPU time is
                        measured (default ${defaults["heartbeat-window"]})

Selection and housekeeping:
  --targets LIST        any of app,next,plain (default all three)
  --phases LIST         any of idle,fanout,e2e,queries (default all)
  --heap-snapshot       write heap snapshots of each server before and
                        after opening the idle streams, into bench/results
  --cpu-profile         profile each server's CPU while it opens the idle
                        streams and during the fan-out to distinct
                        accounts, into bench/results
  --log-level LEVEL     the app's LOG_LEVEL (default info, the app's own)
  --rebuild             run next build even if .next-bench is current
  --keep-data           keep the temporary data folder
  --max-minutes N       abort the whole run after N minutes
                        (default ${defaults["max-minutes"]})
  --help                print this text
`;

function positiveInteger(name: string, value: string | undefined): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) {
    throw new Error(`--${name} must be a positive integer, got "${value}"`);
  }
  return number;
}

function list<Item extends string>(
  name: string,
  value: string,
  allowed: readonly Item[],
): Item[] {
  const items = value.split(",").map((item) => item.trim());
  for (const item of items) {
    if (!allowed.includes(item as Item)) {
      throw new Error(`--${name} accepts ${allowed.join(", ")}; got "${item}"`);
    }
  }
  return items as Item[];
}

/** Parses the command line. Returns null when --help was flagValues. */
export function parseOptions(argv: string[]): BenchOptions | null {
  const config: ParseArgsConfig["options"] = {
    targets: { type: "string", default: "app,next,plain" },
    phases: { type: "string", default: "idle,fanout,e2e,queries" },
    "heap-snapshot": { type: "boolean", default: false },
    "cpu-profile": { type: "boolean", default: false },
    "log-level": { type: "string", default: "info" },
    rebuild: { type: "boolean", default: false },
    "keep-data": { type: "boolean", default: false },
    "max-streams-per-user": { type: "string" },
    help: { type: "boolean", default: false },
  };
  for (const name of Object.keys(defaults)) config[name] = { type: "string" };
  const { values } = parseArgs({ args: argv, options: config, strict: true });
  const flagValues = values as Record<string, string | boolean | undefined>;
  if (flagValues.help) return null;
  const number = (name: keyof typeof defaults) => {
    const value = flagValues[name];
    return value === undefined
      ? defaults[name]
      : positiveInteger(name, String(value));
  };
  const options: BenchOptions = {
    streams: number("streams"),
    fanoutStreams: number("fanout-streams"),
    e2eStreams: number("e2e-streams"),
    users: number("users"),
    streamsPerAccount: number("streams-per-account"),
    maxStreamsPerUser:
      flagValues["max-streams-per-user"] === undefined
        ? null
        : positiveInteger(
            "max-streams-per-user",
            String(flagValues["max-streams-per-user"]),
          ),
    fanoutRounds: number("rounds"),
    e2eRounds: number("e2e-rounds"),
    burst: number("burst"),
    burstSmallK: number("burst-small-k"),
    clients: number("clients"),
    openConcurrency: number("open-concurrency"),
    heartbeatWindowS: number("heartbeat-window"),
    targets: list("targets", String(flagValues.targets), [
      "app",
      "next",
      "plain",
    ]),
    phases: list("phases", String(flagValues.phases), [
      "idle",
      "fanout",
      "e2e",
      "queries",
    ]),
    heapSnapshot: Boolean(flagValues["heap-snapshot"]),
    cpuProfile: Boolean(flagValues["cpu-profile"]),
    logLevel: String(flagValues["log-level"]),
    rebuild: Boolean(flagValues.rebuild),
    keepData: Boolean(flagValues["keep-data"]),
    maxMinutes: number("max-minutes"),
  };
  const largest = Math.max(
    options.streams,
    options.fanoutStreams,
    options.e2eStreams,
  );
  const perUser = options.maxStreamsPerUser ?? appStreamsPerUser;
  const needed = Math.max(
    Math.ceil(largest / options.users),
    options.streamsPerAccount,
  );
  if (needed > perUser) {
    // Suggest only the changes that lower the count that is too high.
    const remedies = [];
    if (Math.ceil(largest / options.users) > perUser) {
      remedies.push(`--users ${Math.ceil(largest / perUser)}`);
    }
    if (options.streamsPerAccount > perUser) {
      remedies.push(`--streams-per-account ${perUser}`);
    }
    remedies.push(`--max-streams-per-user ${needed}`);
    throw new Error(
      `This run puts up to ${needed} streams on one account, and the app ` +
        `closes a user's oldest stream beyond ${perUser}. Use ` +
        `${remedies.join(", or ")}.`,
    );
  }
  return options;
}
