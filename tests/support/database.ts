import Database from "better-sqlite3";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import type { Rol } from "../../lib/auth/roles";
import { hashPassword } from "../../lib/auth/password";
import { createPrismaClient } from "../../lib/db/prisma";
import { prepareDatabase } from "./server";

// Direct access to a test server's SQLite file: a migrated and seeded data
// folder that accepts extra users before the server starts, and a
// read-only snapshot of every table for checking that a rejected request
// changed nothing.

/** Returns the path of the SQLite file inside a test data folder. */
export function databaseFile(dataDir: string): string {
  return path.join(dataDir, "app.db");
}

/**
 * Creates a temporary data folder with the demo data migrated and seeded,
 * ready for startServer({ dataDir }). startServer neither prepares nor
 * deletes a folder it was given, so the caller removes it after stop().
 */
export function createDataDir(): string {
  const dataDir = mkdtempSync(path.join(tmpdir(), "auditoria-test-"));
  prepareDatabase({ ...process.env, DATA_DIR: dataDir, DATABASE_URL: "" });
  return dataDir;
}

export type NewUser = { email: string; name: string; rol: Rol };

export type UserRow = {
  id: string;
  email: string;
  name: string;
  rol: Rol;
  active: boolean;
};

/** Inserts active users who all sign in with `password`. */
export async function insertUsers(
  dataDir: string,
  users: NewUser[],
  password: string,
): Promise<void> {
  const db = createPrismaClient(`file:${databaseFile(dataDir)}`);
  try {
    const passwordHash = await hashPassword(password);
    await db.user.createMany({
      data: users.map((user) => ({ ...user, passwordHash })),
    });
  } finally {
    await db.$disconnect();
  }
}

/** Reads every user, demo accounts included, ordered by e-mail. */
export function readUsers(dataDir: string): UserRow[] {
  const db = new Database(databaseFile(dataDir), {
    readonly: true,
    fileMustExist: true,
  });
  try {
    const rows = db
      .prepare('SELECT id, email, name, rol, active FROM "User" ORDER BY email')
      .all() as Array<Omit<UserRow, "active"> & { active: number }>;
    return rows.map((row) => ({ ...row, active: row.active === 1 }));
  } finally {
    db.close();
  }
}

/** Every row of every table, keyed by table name. */
export type DatabaseSnapshot = Record<string, unknown[]>;

/**
 * Reads every row of every table, migrations bookkeeping included. Two
 * snapshots compare equal only when nothing was written in between.
 */
export function readDatabase(dataDir: string): DatabaseSnapshot {
  const db = new Database(databaseFile(dataDir), {
    readonly: true,
    fileMustExist: true,
  });
  try {
    const tables = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' " +
          "AND name NOT LIKE 'sqlite_%' ORDER BY name",
      )
      .all() as Array<{ name: string }>;
    const snapshot: DatabaseSnapshot = {};
    for (const { name } of tables) {
      snapshot[name] = db
        .prepare(`SELECT * FROM "${name}" ORDER BY rowid`)
        .all();
    }
    return snapshot;
  } finally {
    db.close();
  }
}
