import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import type { DatabaseProvider } from "../../lib/db/provider";
import type { PrismaClient } from "../../lib/db/prisma";
import { createScratchDatabase } from "../../scripts/scratch-database";

// Points lib/ at a new database with the checked-in migrations applied: a
// SQLite file in a temporary directory, or, when TEST_DATABASE_PROVIDER is
// "postgresql", a scratch database on the local PostgreSQL server
// (TEST_POSTGRES_ADMIN_URL, default postgresql://postgres@127.0.0.1:5432/postgres). Modules such as lib/realtime/publish.ts
// create their logger on import, which reads the environment, so a test
// file imports the services dynamically, after openTempDatabase().

/** The keys under which lib/ caches its process-wide singletons. */
const cacheKeys = {
  env: Symbol.for("auditoria.env"),
  prisma: Symbol.for("auditoria.prisma"),
  bus: Symbol.for("auditoria.bus"),
} as const;

type Closable = { $disconnect?: () => Promise<void>; close?: () => unknown };
type Caches = Partial<Record<symbol, Closable>>;

/** A session secret of 33 characters: lib/env.ts requires at least 32. */
export const testSecret = "unit-test-secret-0123456789abcdef";

/** The provider the service tests run on in this Vitest project. */
export const testProvider: DatabaseProvider =
  process.env.TEST_DATABASE_PROVIDER === "postgresql" ? "postgresql" : "sqlite";

export type TempDatabase = {
  provider: DatabaseProvider;
  dir: string;
  /** Path of the SQLite file; empty on PostgreSQL. */
  file: string;
  /** The DATABASE_URL, `file:` followed by the path. */
  url: string;
  /** The client that getDb() returns to the services. */
  db: PrismaClient;
  /** Deletes every row, so that a test starts from empty tables. */
  clear: () => Promise<void>;
  /** Disconnects, restores the environment and deletes the directory. */
  close: () => Promise<void>;
};

/**
 * Sets environment variables and drops the cached parsed environment, so
 * that the next getEnv() call reads them. The Prisma client and the bus
 * stay as they are.
 */
export function setTestEnv(values: Record<string, string>): void {
  Object.assign(process.env, values);
  delete (globalThis as Caches)[cacheKeys.env];
}

/** Disconnects the cached Prisma client, closes the bus and drops both. */
export async function resetAppCaches(): Promise<void> {
  const caches = globalThis as Caches;
  await caches[cacheKeys.prisma]?.$disconnect?.();
  await caches[cacheKeys.bus]?.close?.();
  delete caches[cacheKeys.prisma];
  delete caches[cacheKeys.bus];
  delete caches[cacheKeys.env];
}

/**
 * Creates a migrated, empty database and makes getDb() return a client on
 * it. `env` adds or overrides environment variables, for example
 * PENDIENTES_LIMIT.
 */
export async function openTempDatabase(
  env: Record<string, string> = {},
): Promise<TempDatabase> {
  const dir = mkdtempSync(path.join(tmpdir(), "auditoria-unit-"));
  const scratch =
    testProvider === "postgresql"
      ? await createScratchDatabase("postgresql", {
          adminUrl: process.env.TEST_POSTGRES_ADMIN_URL,
          prefix: "auditoria_unit",
        })
      : null;
  const file = scratch ? "" : path.join(dir, "test.db");
  const url = scratch ? scratch.url : `file:${file}`;
  const values: Record<string, string> = {
    DATA_DIR: dir,
    DATABASE_URL: url,
    NEXTAUTH_SECRET: testSecret,
    // Empty selects the in-process bus, which the tests subscribe to.
    REDIS_URL: "",
    ...env,
  };
  const previous = new Map(
    Object.keys(values).map((key) => [key, process.env[key]]),
  );

  await resetAppCaches();
  setTestEnv(values);
  const { applyMigrations } = await import("../../lib/db/schema-engine");
  await applyMigrations(url);
  const { getDb } = await import("../../lib/db");
  const db = getDb();

  const clear = async () => {
    // Children before parents, because of the foreign keys.
    await db.notification.deleteMany();
    await db.presupuestoEvento.deleteMany();
    await db.presupuesto.deleteMany();
    await db.presupuestoSequence.deleteMany();
    await db.user.deleteMany();
  };

  const close = async () => {
    await resetAppCaches();
    for (const [key, value] of previous) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    rmSync(dir, { recursive: true, force: true });
    await scratch?.drop();
  };

  return { provider: testProvider, dir, file, url, db, clear, close };
}
