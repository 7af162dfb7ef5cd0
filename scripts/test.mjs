// `npm test`: every check and test suite, in order, failing on the first
// broken step. Summary counts are printed at the end.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";

import { findChromium, missingChromiumMessage } from "./chromium-path.mjs";
import { requireServices } from "./test-services.mjs";

const reportDir = path.resolve("test-results/reports");
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };

function run(title, command, args, extraEnv = {}) {
  console.log(`\n=== ${title}: ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, {
    stdio: "inherit",
    env: { ...env, ...extraEnv },
  });
  if (result.status !== 0) {
    console.error(
      `\n${title} failed (exit ${result.status ?? result.signal}).`,
    );
    printSummary();
    process.exit(result.status || 1);
  }
}

function vitestCounts(file) {
  if (!existsSync(file)) return { passed: 0, failed: 0, skipped: 0 };
  const report = JSON.parse(readFileSync(file, "utf8"));
  return {
    passed: report.numPassedTests ?? 0,
    failed: report.numFailedTests ?? 0,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
  };
}

function playwrightCounts(file) {
  if (!existsSync(file)) return { passed: 0, failed: 0, skipped: 0 };
  const stats = JSON.parse(readFileSync(file, "utf8")).stats ?? {};
  return {
    passed: (stats.expected ?? 0) + (stats.flaky ?? 0),
    failed: stats.unexpected ?? 0,
    skipped: stats.skipped ?? 0,
  };
}

function printSummary() {
  const parts = [
    vitestCounts(path.join(reportDir, "unit.json")),
    vitestCounts(path.join(reportDir, "unit-postgres.json")),
    vitestCounts(path.join(reportDir, "integration.json")),
    playwrightCounts(path.join(reportDir, "e2e.json")),
  ];
  const sum = (key) => parts.reduce((total, part) => total + part[key], 0);
  console.log(
    `\nTotal: ${sum("passed")} passed, ${sum("failed")} failed, ${sum("skipped")} skipped`,
  );
}

const chromium = findChromium();
if (!chromium) {
  console.error(missingChromiumMessage);
  process.exit(1);
}
await requireServices();

rmSync(reportDir, { recursive: true, force: true });
mkdirSync(reportDir, { recursive: true });

const bin = (name) => path.resolve("node_modules/.bin", name);
run("Type check", bin("tsc"), ["--noEmit"]);
run("Lint", bin("eslint"), ["."]);
run("Format", bin("prettier"), ["--check", "."]);
run("Unit tests", bin("vitest"), [
  "run",
  "--project=unit",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${path.join(reportDir, "unit.json")}`,
]);
run("Service tests on PostgreSQL", bin("vitest"), [
  "run",
  "--project=unit-postgres",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${path.join(reportDir, "unit-postgres.json")}`,
]);
run("Build for tests", process.execPath, ["scripts/build-for-tests.mjs"]);
run(
  "Integration tests",
  bin("vitest"),
  [
    "run",
    "--project=integration",
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${path.join(reportDir, "integration.json")}`,
  ],
  { SKIP_TEST_BUILD: "1" },
);
run("Browser tests", bin("playwright"), ["test"], {
  SKIP_TEST_BUILD: "1",
  CHROMIUM_PATH: chromium,
  PLAYWRIGHT_JSON_OUTPUT_NAME: path.join(reportDir, "e2e.json"),
});
printSummary();
