import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";

import { PrismaClient } from "../generated/prisma/client";

/**
 * Creates a Prisma client for a `file:` URL through the better-sqlite3
 * driver adapter, so no native query engine is needed.
 */
export function createPrismaClient(databaseUrl: string): PrismaClient {
  if (!databaseUrl.startsWith("file:")) {
    throw new Error(
      `Unsupported DATABASE_URL scheme in "${redactUrl(databaseUrl)}": ` +
        "this build supports SQLite file: URLs.",
    );
  }
  // timeout: how long a write waits for SQLite's lock, in milliseconds.
  const adapter = new PrismaBetterSqlite3({ url: databaseUrl, timeout: 5_000 });
  return new PrismaClient({ adapter });
}

/** Hides the password of a connection URL so it can be logged. */
export function redactUrl(databaseUrl: string): string {
  return databaseUrl.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
}

export type { PrismaClient };
