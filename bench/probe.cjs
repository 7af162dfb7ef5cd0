// Bench-only probe, preloaded into a server under test with
// NODE_OPTIONS="--require bench/probe.cjs --expose-gc". It opens no port and
// changes no behaviour of the server:
// - on SIGUSR2 it runs the command in BENCH_PROBE_DIR/command.json and
//   writes BENCH_PROBE_DIR/report-<seq>.json: memory after a full garbage
//   collection, CPU time and, with BENCH_COUNT_QUERIES=1, the SQL statements
//   that better-sqlite3 prepared (Prisma's adapter prepares every statement
//   it runs, so this counts statements executed). A command can also write
//   a heap snapshot, or start and stop V8's CPU profiler;
// - it exits the process when the parent that started it is gone, or after
//   BENCH_MAX_LIFETIME_MS, so no server outlives the bench.
"use strict";
/* eslint-disable @typescript-eslint/no-require-imports -- a --require preload is CommonJS */

const fs = require("node:fs");
const path = require("node:path");
const inspector = require("node:inspector");
const v8 = require("node:v8");

const probeDir = process.env.BENCH_PROBE_DIR;
if (probeDir) {
  // Children of the server inherit NODE_OPTIONS, but only the server
  // itself handles the probe's commands.
  delete process.env.BENCH_PROBE_DIR;
  install(probeDir);
}

function install(dir) {
  const statements = { total: 0, bySql: new Map() };
  if (process.env.BENCH_COUNT_QUERIES === "1") countStatements(statements);

  process.on("SIGUSR2", () => {
    try {
      runCommand(dir, statements);
    } catch (error) {
      writeJson(path.join(dir, "probe-error.json"), {
        message: String(error && error.stack ? error.stack : error),
      });
    }
  });

  watchParent();
  const lifetime = Number(process.env.BENCH_MAX_LIFETIME_MS || 0);
  if (lifetime > 0) {
    setTimeout(() => {
      process.stderr.write(
        `bench probe: max lifetime of ${lifetime} ms reached, exiting\n`,
      );
      process.exit(3);
    }, lifetime).unref();
  }
  writeJson(path.join(dir, "ready.json"), { pid: process.pid });
}

function runCommand(dir, statements) {
  const command = JSON.parse(
    fs.readFileSync(path.join(dir, "command.json"), "utf8"),
  );
  const report = (heapSnapshot) =>
    writeReport(dir, command.seq, statements, heapSnapshot);
  if (command.action === "heap-snapshot") {
    collectGarbage();
    report(v8.writeHeapSnapshot(command.file));
  } else if (command.action === "profile-start") {
    profiler.start();
    report(null);
  } else if (command.action === "profile-stop") {
    // The report is written after the profile, so the bench can read it.
    profiler.stop(command.file, () => report(null));
  } else {
    report(null);
  }
}

function writeReport(dir, seq, statements, heapSnapshot) {
  collectGarbage();
  const memory = process.memoryUsage();
  const cpu = process.cpuUsage();
  writeJson(path.join(dir, `report-${seq}.json`), {
    seq,
    pid: process.pid,
    memory,
    cpuMicros: cpu.user + cpu.system,
    statements: {
      total: statements.total,
      bySql: Object.fromEntries(statements.bySql),
    },
    heapSnapshot,
  });
}

/** V8's sampling CPU profiler, through an in-process inspector session. */
const profiler = {
  session: null,
  start() {
    if (this.session) return;
    this.session = new inspector.Session();
    this.session.connect();
    this.session.post("Profiler.enable");
    this.session.post("Profiler.start");
  },
  stop(file, done) {
    const session = this.session;
    if (!session) return done();
    this.session = null;
    session.post("Profiler.stop", (error, result) => {
      if (!error) fs.writeFileSync(file, JSON.stringify(result.profile));
      session.disconnect();
      done();
    });
  },
};

function collectGarbage() {
  if (typeof global.gc !== "function") return;
  // Two passes: the first can leave objects whose finalizers free more.
  global.gc();
  global.gc();
}

/** Wraps better-sqlite3's prepare() to count statements by their SQL. */
function countStatements(statements) {
  const modulePath = require.resolve("better-sqlite3", {
    paths: [process.cwd()],
  });
  const Database = require(modulePath);
  const prepare = Database.prototype.prepare;
  // Statements repeat, so each text is normalized once: the probe must
  // not add to the CPU time of the server it measures.
  const keys = new Map();
  Database.prototype.prepare = function countedPrepare(sql, ...rest) {
    const text = String(sql);
    let key = keys.get(text);
    if (key === undefined) {
      key = normalizeSql(text);
      keys.set(text, key);
    }
    statements.total += 1;
    statements.bySql.set(key, (statements.bySql.get(key) || 0) + 1);
    return prepare.call(this, sql, ...rest);
  };
}

/** Collapses whitespace and placeholder lists so equal shapes count as one. */
function normalizeSql(sql) {
  return sql
    .replace(/\s+/g, " ")
    .replace(/\?(?:\s*,\s*\?)+/g, "?, …")
    .trim()
    .slice(0, 200);
}

function watchParent() {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) {
      process.stderr.write("bench probe: parent process is gone, exiting\n");
      process.exit(3);
    }
  }, 1000).unref();
}

function writeJson(file, value) {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(value));
  fs.renameSync(temporary, file);
}
