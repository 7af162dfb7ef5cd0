import { spawnSync } from "node:child_process";
import {
  existsSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";

import { progress } from "./stats";

// Builds the app into its own folder, so that the bench never replaces the
// .next or .next-test builds that `npm start` and the tests serve, and the
// bare Next.js app of bench/next-floor into bench/next-floor/.next-bench.

export const benchDistDir = ".next-bench";
export const floorDir = path.resolve("bench/next-floor");

// Inputs of `next build`; a change to any of them makes the build stale.
const sourceRoots = ["app", "components", "hooks", "lib", "public", "prisma"];
const sourceFiles = ["package-lock.json", "next.config.mjs", "tsconfig.json"];
const stampFile = path.join(benchDistDir, "bench-source-stamp");
const nextBin = path.resolve("node_modules/next/dist/bin/next");

function newestMtime(entry: string): number {
  if (path.basename(entry) === benchDistDir) return 0;
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of readdirSync(entry)) {
    if (child === "generated" || child === "node_modules") continue;
    newest = Math.max(newest, newestMtime(path.join(entry, child)));
  }
  return newest;
}

/**
 * Runs `next build ARGS` into .next-bench unless `stampFile` records a
 * build of the current `sources` (their newest modification time).
 */
function buildIfStale(
  label: string,
  args: string[],
  sources: string[],
  stampFile: string,
  force: boolean,
): boolean {
  const stamp = String(Math.max(...sources.map(newestMtime)));
  const built = existsSync(path.join(path.dirname(stampFile), "BUILD_ID"));
  if (
    !force &&
    built &&
    existsSync(stampFile) &&
    readFileSync(stampFile, "utf8") === stamp
  ) {
    return false;
  }
  progress(`building ${label}`);
  const result = spawnSync(process.execPath, [nextBin, "build", ...args], {
    stdio: "inherit",
    env: {
      ...process.env,
      NEXT_DIST_DIR: benchDistDir,
      NEXT_TELEMETRY_DISABLED: "1",
    },
  });
  if (result.status !== 0) {
    throw new Error(
      `next build of ${label} failed (exit ${result.status}); ` +
        "see its output above.",
    );
  }
  writeFileSync(stampFile, stamp);
  return true;
}

/** Builds the app into .next-bench unless it is current; returns whether it built. */
export function ensureBenchBuild(force: boolean): boolean {
  return buildIfStale(
    `the app into ${benchDistDir}/`,
    [],
    [...sourceRoots, ...sourceFiles],
    stampFile,
    force,
  );
}

/** Builds bench/next-floor unless it is current; returns whether it built. */
export function ensureFloorBuild(force: boolean): boolean {
  return buildIfStale(
    "the bare Next.js app of bench/next-floor",
    [floorDir],
    [floorDir, "package-lock.json"],
    path.join(floorDir, benchDistDir, "bench-source-stamp"),
    force,
  );
}
