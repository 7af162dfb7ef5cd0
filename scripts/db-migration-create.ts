// Writes the next migration from the difference between the checked-in
// migrations and prisma/schema.prisma.
// Usage: npm run db:migration:create -- <name>
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { diffMigrationsToSchema, migrationsDir } from "../lib/db/schema-engine";

async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name || !/^[a-z0-9_]+$/.test(name)) {
    console.error(
      "Usage: npm run db:migration:create -- <name>, where <name> is " +
        "lowercase letters, digits and underscores (for example add_indexes).",
    );
    process.exit(2);
  }
  writeLockfile();
  const sql = await diffFromCheckedInMigrations();
  if (sql.trim() === "") {
    console.log("No schema changes: no migration written.");
    return;
  }
  const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
  const directory = path.join(migrationsDir, `${stamp}_${name}`);
  mkdirSync(directory, { recursive: true });
  writeFileSync(path.join(directory, "migration.sql"), sql);
  console.log(`Wrote ${path.relative(process.cwd(), directory)}/migration.sql`);
}

/** Replays the migrations on a scratch SQLite file and diffs it. */
async function diffFromCheckedInMigrations(): Promise<string> {
  const scratch = mkdtempSync(path.join(tmpdir(), "migration-create-"));
  try {
    return await diffMigrationsToSchema(
      `file:${path.join(scratch, "scratch.db")}`,
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function writeLockfile(): void {
  mkdirSync(migrationsDir, { recursive: true });
  writeFileSync(
    path.join(migrationsDir, "migration_lock.toml"),
    "# Written by scripts/db-migration-create.ts; do not edit.\n" +
      'provider = "sqlite"\n',
  );
}

main().catch((error: unknown) => {
  console.error(`Creating the migration failed: ${(error as Error).message}`);
  process.exit(1);
});
