import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  closeSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";

// Starts a server under test with bench/probe.cjs preloaded, and reads its
// memory and CPU time from /proc and from the probe.

const probeFile = path.resolve("bench/probe.cjs");
const clockTicksPerSecond = Number(
  execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim(),
);

export type ProbeReport = {
  seq: number;
  pid: number;
  memory: NodeJS.MemoryUsage;
  cpuMicros: number;
  statements: { total: number; bySql: Record<string, number> };
  heapSnapshot: string | null;
};

export type ServerProcess = {
  pid: number;
  logFile: string;
  /** Resident set size from /proc/<pid>/status, in bytes. */
  rssBytes: () => number;
  /** User plus system CPU time from /proc/<pid>/stat, in milliseconds. */
  cpuMs: () => number;
  /** Counts the log's pino lines at level error or fatal; returns the first. */
  loggedErrors: () => { count: number; first: string | null };
  /** Runs a garbage collection in the server and returns its report. */
  probe: (heapSnapshotFile?: string) => Promise<ProbeReport>;
  /** Starts V8's CPU profiler in the server. */
  startProfile: () => Promise<void>;
  /** Stops the CPU profiler and writes its profile to `file`. */
  stopProfile: (file: string) => Promise<void>;
  stop: () => Promise<void>;
};

export type SpawnOptions = {
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Folder for the probe's files and the server's log. */
  workDir: string;
  /** File descriptors the server needs: one per stream and some spare. */
  fdLimit: number;
  countQueries: boolean;
  maxLifetimeMs: number;
};

function currentFdLimit(): number {
  const output = execFileSync("sh", ["-c", "ulimit -n"], { encoding: "utf8" });
  const limit = output.trim();
  return limit === "unlimited" ? Infinity : Number(limit);
}

/**
 * Returns the command and arguments that run `command` with at least
 * `limit` open files, through `ulimit -n` in a shell that then execs it, so
 * the process id stays the server's.
 */
export function withFdLimit(
  command: string,
  args: string[],
  limit: number,
): [string, string[]] {
  if (currentFdLimit() >= limit) return [command, args];
  const script = 'ulimit -n "$0" || exit 1; exec "$@"';
  return ["sh", ["-c", script, String(limit), command, ...args]];
}

function readStatus(pid: number, field: string): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
  if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

function readCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name, which is in parentheses and may hold
  // spaces: state is field 3, utime field 14 and stime field 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / clockTicksPerSecond;
}

async function waitForFile(file: string, timeoutMs: number, label: string) {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(file)) {
    if (Date.now() > deadline) {
      throw new Error(
        `${label}: ${file} did not appear within ${timeoutMs} ms`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Spawns a server with the probe and waits until the probe is loaded. */
export async function spawnServer(
  options: SpawnOptions,
): Promise<ServerProcess> {
  const probeDir = path.join(options.workDir, `probe-${Date.now()}`);
  mkdirSync(probeDir, { recursive: true });
  const logFile = path.join(probeDir, "server.log");
  const log = openSync(logFile, "a");
  const [command, args] = withFdLimit(
    process.execPath,
    options.args,
    options.fdLimit,
  );
  const child: ChildProcess = spawn(command, args, {
    env: {
      ...options.env,
      NODE_OPTIONS: `--require ${probeFile} --expose-gc`,
      BENCH_PROBE_DIR: probeDir,
      BENCH_COUNT_QUERIES: options.countQueries ? "1" : "0",
      BENCH_MAX_LIFETIME_MS: String(options.maxLifetimeMs),
    },
    stdio: ["ignore", log, log],
  });
  closeSync(log);
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => resolve()),
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${command}`);
  await Promise.race([
    waitForFile(path.join(probeDir, "ready.json"), 30_000, "probe"),
    exited.then(() => {
      throw new Error(
        `server exited during start; log:\n${readFileSync(logFile, "utf8")}`,
      );
    }),
  ]);

  let seq = 0;
  const send = async (
    command: { action: string; file?: string },
    timeoutMs: number,
  ): Promise<ProbeReport> => {
    seq += 1;
    writeFileSync(
      path.join(probeDir, "command.json"),
      JSON.stringify({ seq, ...command }),
    );
    process.kill(pid, "SIGUSR2");
    const report = path.join(probeDir, `report-${seq}.json`);
    await waitForFile(report, timeoutMs, "probe");
    return JSON.parse(readFileSync(report, "utf8")) as ProbeReport;
  };
  const probe = (heapSnapshotFile?: string) =>
    heapSnapshotFile
      ? send({ action: "heap-snapshot", file: heapSnapshotFile }, 300_000)
      : send({ action: "report" }, 30_000);
  const startProfile = async () => {
    await send({ action: "profile-start" }, 30_000);
  };
  const stopProfile = async (file: string) => {
    await send({ action: "profile-stop", file }, 120_000);
  };

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  };

  const loggedErrors = () => {
    const lines = readFileSync(logFile, "utf8")
      .split("\n")
      .filter((line) => /"level":(50|60)[,}]/.test(line));
    return { count: lines.length, first: lines[0]?.slice(0, 600) ?? null };
  };

  return {
    pid,
    logFile,
    loggedErrors,
    rssBytes: () => readStatus(pid, "VmRSS"),
    cpuMs: () => readCpuMs(pid),
    probe,
    startProfile,
    stopProfile,
    stop,
  };
}

/** Polls `url` until it responds with 200, for at most `timeoutMs`. */
export async function waitForHealth(
  url: string,
  timeoutMs: number,
  server: ServerProcess,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `${url} did not respond with 200 within ${timeoutMs} ms. Server log:\n` +
      readFileSync(server.logFile, "utf8").slice(-4000),
  );
}
