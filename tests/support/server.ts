import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

// Starts real `next start` servers for the integration and browser tests,
// each on a free loopback port with its own SQLite file, migrated and
// seeded with the demo data through the same scripts a user runs.

export const testDistDir = process.env.TEST_DIST_DIR ?? ".next-test";
// Vitest and Playwright both run from the repository root; import.meta is
// not available where Playwright loads TypeScript as CommonJS.
const root = process.cwd();
const nextBin = path.join(root, "node_modules/next/dist/bin/next");
const tsxBin = path.join(root, "node_modules/tsx/dist/cli.mjs");

export type TestServer = {
  baseUrl: string;
  port: number;
  dataDir: string;
  process: ChildProcess;
  /** PID of the `next start` process, which serves the requests itself. */
  pid: number;
  /** Resolves when the process exits, with its exit code or signal. */
  exited: Promise<ServerExit>;
  /** Output so far, for failure messages. */
  output: () => string;
  stop: () => Promise<void>;
};

export type ServerExit = {
  code: number | null;
  signal: NodeJS.Signals | null;
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolve(address.port);
        else reject(new Error("no port assigned"));
      });
    });
  });
}

/** Runs `next build` into .next-test; the test command calls it once. */
export function buildForTests(): void {
  const result = spawnSync(process.execPath, [nextBin, "build"], {
    cwd: root,
    stdio: "inherit",
    env: {
      ...process.env,
      NEXT_DIST_DIR: testDistDir,
      NEXT_TELEMETRY_DISABLED: "1",
    },
  });
  if (result.status !== 0) throw new Error("next build failed for the tests");
}

/** Applies migrations and seeds the demo data into `dataDir`. */
export function prepareDatabase(env: NodeJS.ProcessEnv): void {
  for (const script of ["scripts/db-migrate.ts", "scripts/db-seed.ts"]) {
    const result = spawnSync(process.execPath, [tsxBin, script], {
      cwd: root,
      env,
      encoding: "utf8",
    });
    if (result.status !== 0) {
      throw new Error(`${script} failed:\n${result.stdout}\n${result.stderr}`);
    }
  }
}

export type ServerOptions = {
  /** Extra environment, for example SSE_HEARTBEAT_MS. */
  env?: Record<string, string>;
  /** Reuse a data folder (its database and secret) instead of a new one. */
  dataDir?: string;
  /**
   * Whether to migrate and seed the database first. Defaults to true unless
   * `dataDir` is given. Pass false for a second instance that shares the
   * first one's DATABASE_URL.
   */
  prepareDatabase?: boolean;
};

/** Starts `next start` on a free port and waits until /api/health is 200. */
export async function startServer(
  options: ServerOptions = {},
): Promise<TestServer> {
  const dataDir =
    options.dataDir ?? mkdtempSync(path.join(tmpdir(), "auditoria-test-"));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    NEXT_DIST_DIR: testDistDir,
    NEXT_MANUAL_SIG_HANDLE: "true",
    DATA_DIR: dataDir,
    DATABASE_URL: "",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "warn",
    PORT: String(port),
    ...options.env,
  };
  // The server derives its URLs from the request's host; an inherited
  // NEXTAUTH_URL would point them at another address.
  if (!options.env?.NEXTAUTH_URL) delete env.NEXTAUTH_URL;
  if (options.prepareDatabase ?? !options.dataDir) prepareDatabase(env);

  let output = "";
  const child = spawn(
    process.execPath,
    [nextBin, "start", "--port", String(port), "--hostname", "127.0.0.1"],
    { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  const exited = new Promise<ServerExit>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const baseUrl = `http://127.0.0.1:${port}`;

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }
    if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`next start exited with ${child.exitCode}:\n${output}`);
    }
    try {
      const response = await fetch(`${baseUrl}/api/health`);
      if (response.ok) {
        return {
          baseUrl,
          port,
          dataDir,
          process: child,
          pid: child.pid!,
          exited,
          output: () => output,
          stop,
        };
      }
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stop();
  throw new Error(`next start did not become healthy within 60 s:\n${output}`);
}
