import { spawnSync } from "node:child_process";
import {
  existsSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";

// Inputs of `next build`; a change to any of them makes the build stale.
const sourceRoots = [
  "app",
  "components",
  "hooks",
  "lib",
  "public",
  "prisma",
  "types",
];
const sourceFiles = [
  "package-lock.json",
  "next.config.mjs",
  "tsconfig.json",
  "proxy.ts",
  "instrumentation.ts",
];
// next.config.mjs builds into NEXT_DIST_DIR when it is set.
const stampFile = path.join(
  process.env.NEXT_DIST_DIR || ".next",
  "source-stamp",
);

function newestMtime(entry: string): number {
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

/** Runs `next build` unless a build of the current sources exists. */
export function buildIfStale(nextBin: string): void {
  const stamp = String(
    Math.max(...[...sourceRoots, ...sourceFiles].map(newestMtime)),
  );
  const built = existsSync(path.join(".next", "BUILD_ID"));
  if (
    built &&
    existsSync(stampFile) &&
    readFileSync(stampFile, "utf8") === stamp
  ) {
    return;
  }
  console.log(
    built ? "Sources changed: rebuilding…" : "First run: building the app…",
  );
  const result = spawnSync(process.execPath, [nextBin, "build"], {
    stdio: "inherit",
    // Next.js would otherwise send anonymous usage data to its servers.
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (result.status !== 0) {
    console.error("next build failed; see the output above.");
    process.exit(result.status ?? 1);
  }
  writeFileSync(stampFile, stamp);
}
