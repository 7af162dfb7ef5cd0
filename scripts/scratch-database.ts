import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import pg from "pg";

import type { DatabaseProvider } from "../lib/db/provider";

export type ScratchDatabase = { url: string; drop: () => Promise<void> };

/** Default server for scratch PostgreSQL databases: local, trust auth. */
export const defaultPostgresAdminUrl =
  "postgresql://postgres@127.0.0.1:5432/postgres";

/**
 * Creates an empty database to migrate or test against: a SQLite file in a
 * temporary folder, or a new PostgreSQL database named `prefix_<random>` on
 * the server of `adminUrl`. drop() removes it.
 */
export async function createScratchDatabase(
  provider: DatabaseProvider,
  options: { adminUrl?: string; prefix?: string } = {},
): Promise<ScratchDatabase> {
  const prefix = options.prefix ?? "scratch";
  if (provider === "sqlite") {
    const folder = mkdtempSync(path.join(tmpdir(), `${prefix}-`));
    return {
      url: `file:${path.join(folder, "scratch.db")}`,
      drop: async () => rmSync(folder, { recursive: true, force: true }),
    };
  }
  const adminUrl = options.adminUrl ?? defaultPostgresAdminUrl;
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  await runAdmin(adminUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      runAdmin(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

async function runAdmin(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
