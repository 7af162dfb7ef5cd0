// `npm start`: prepares the database, builds when needed and runs
// `next start`. With no DATABASE_URL it uses the embedded default: a SQLite
// file in DATA_DIR, migrated and seeded with demo accounts on first start.
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";

import { createPrismaClient, redactUrl } from "../lib/db/prisma";
import { applyMigrations } from "../lib/db/schema-engine";
import { seedDemoData } from "../lib/db/seed";
import { demoPassword, demoUsers } from "../lib/db/seed-data";
import { EnvError, getEnv } from "../lib/env";
import { buildIfStale } from "./build-if-stale";

const require = createRequire(import.meta.url);
const nextBin = require.resolve("next/dist/bin/next");

async function prepareEmbeddedDatabase(databaseUrl: string, dataDir: string) {
  mkdirSync(dataDir, { recursive: true });
  const applied = await applyMigrations(databaseUrl);
  if (applied.length > 0)
    console.log(`Applied migrations: ${applied.join(", ")}`);
  const db = createPrismaClient(databaseUrl);
  try {
    if (await seedDemoData(db)) {
      console.log(`Seeded demo accounts (password ${demoPassword}):`);
      for (const user of demoUsers)
        console.log(`  ${user.email} (${user.rol})`);
    }
  } finally {
    await db.$disconnect();
  }
}

async function main(): Promise<void> {
  const env = getEnv();
  if (env.embedded) {
    await prepareEmbeddedDatabase(env.DATABASE_URL, env.DATA_DIR);
  } else {
    console.log(
      `Using ${redactUrl(env.DATABASE_URL)}; apply migrations with ` +
        "npm run db:migrate (start never migrates or seeds it).",
    );
  }
  buildIfStale(nextBin);

  const child = spawn(
    process.execPath,
    [
      nextBin,
      "start",
      "--port",
      String(env.PORT),
      // Without --hostname, next start listens on every interface.
      ...(env.HOST ? ["--hostname", env.HOST] : []),
    ],
    {
      stdio: "inherit",
      env: {
        ...process.env,
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        // The app's own handler drains streams before exiting on SIGTERM.
        NEXT_MANUAL_SIG_HANDLE: "true",
      },
    },
  );
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => child.kill(signal));
  }
  child.on("exit", (code, signal) => {
    process.exit(code ?? (signal ? 128 + 15 : 1));
  });
}

main().catch((error: unknown) => {
  const message = error instanceof EnvError ? error.message : String(error);
  console.error(`Start failed: ${message}`);
  process.exit(1);
});
