// Applies the checked-in migrations to DATABASE_URL (default: the embedded
// SQLite file). Usage: npm run db:migrate
import { mkdirSync } from "node:fs";

import { applyMigrations } from "../lib/db/schema-engine";
import { getEnv } from "../lib/env";
import { sqliteFilePath } from "./sqlite-path";

async function main(): Promise<void> {
  const env = getEnv();
  const file = sqliteFilePath(env.DATABASE_URL);
  if (file) mkdirSync(new URL(".", `file://${file}`), { recursive: true });
  const applied = await applyMigrations(env.DATABASE_URL);
  if (applied.length === 0) {
    console.log("Database schema is up to date.");
  } else {
    console.log(
      `Applied ${applied.length} migration(s): ${applied.join(", ")}`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(`Migration failed: ${(error as Error).message ?? error}`);
  process.exit(1);
});
