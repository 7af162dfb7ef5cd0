import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";

import { PrismaClient } from "../generated/prisma/client";
import { PrismaClient as PostgresPrismaClient } from "../generated/prisma-pg/client";
import { providerOf } from "./provider";

export { redactUrl } from "./provider";

/**
 * Creates a Prisma client for DATABASE_URL through a driver adapter, so no
 * native query engine is needed: better-sqlite3 for `file:` URLs, node-pg
 * for `postgresql://` URLs.
 */
export function createPrismaClient(databaseUrl: string): PrismaClient {
  if (providerOf(databaseUrl) === "postgresql") {
    const adapter = new PrismaPg({ connectionString: databaseUrl, max: 10 });
    // Both clients are generated from one schema, so their APIs are the
    // same; only the SQL they emit differs.
    return new PostgresPrismaClient({ adapter }) as unknown as PrismaClient;
  }
  // timeout: how long a write waits for SQLite's lock, in milliseconds.
  const adapter = new PrismaBetterSqlite3({ url: databaseUrl, timeout: 5_000 });
  return new PrismaClient({ adapter });
}

export type { PrismaClient };
