// Writes the next migration for each provider: the SQL from the schema as
// of the last migration to the current one. Each migration folder keeps a
// copy of the schema it leads to (schema.prisma) as the base of the next.
// Usage: npm run db:migration:create -- <name>
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";

import { type DatabaseProvider, providerFiles } from "../lib/db/provider";
import { diffSchemas } from "../lib/db/schema-engine";
import { createScratchDatabase } from "./scratch-database";

/** Returns the schema of the newest migration, or null for none. */
export function latestMigrationSchema(migrations: string): string | null {
  if (!existsSync(migrations)) return null;
  const folders = readdirSync(migrations, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const newest = folders.at(-1);
  if (newest === undefined) return null;
  const snapshot = path.join(migrations, newest, "schema.prisma");
  if (!existsSync(snapshot)) {
    throw new Error(
      `${snapshot} is missing: every migration keeps the schema it leads to.`,
    );
  }
  return readFileSync(snapshot, "utf8");
}

async function createMigration(
  provider: DatabaseProvider,
  name: string,
  stamp: string,
): Promise<void> {
  const { migrations, schema } = providerFiles[provider];
  const current = readFileSync(schema, "utf8");
  // The engine needs a connection to start, though a schema-to-schema diff
  // sends it no query.
  const scratch = await createScratchDatabase(provider, {
    adminUrl: process.env.SCRATCH_POSTGRES_URL,
    prefix: "migration_create",
  });
  let sql: string;
  try {
    sql = await diffSchemas(
      scratch.url,
      latestMigrationSchema(migrations),
      current,
    );
  } finally {
    await scratch.drop();
  }
  if (sql.trim() === "") {
    console.log(`${provider}: no schema changes, no migration written.`);
    return;
  }
  const directory = path.join(migrations, `${stamp}_${name}`);
  mkdirSync(directory, { recursive: true });
  writeFileSync(path.join(directory, "migration.sql"), sql);
  writeFileSync(path.join(directory, "schema.prisma"), current);
  writeFileSync(
    path.join(migrations, "migration_lock.toml"),
    "# Written by scripts/db-migration-create.ts; do not edit.\n" +
      `provider = "${provider}"\n`,
  );
  console.log(
    `${provider}: wrote ${path.relative(process.cwd(), directory)}/migration.sql`,
  );
}

async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name || !/^[a-z0-9_]+$/.test(name)) {
    console.error(
      "Usage: npm run db:migration:create -- <name>, where <name> is " +
        "lowercase letters, digits and underscores (for example add_indexes).",
    );
    process.exit(2);
  }
  const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
  await createMigration("sqlite", name, stamp);
  await createMigration("postgresql", name, stamp);
}

if (process.argv[1]?.endsWith("db-migration-create.ts")) {
  main().catch((error: unknown) => {
    console.error(`Creating the migration failed: ${(error as Error).message}`);
    process.exit(1);
  });
}
