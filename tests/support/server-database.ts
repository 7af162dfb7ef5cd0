import path from "node:path";

import type { Rol } from "../../lib/auth/roles";
import { createPrismaClient, type PrismaClient } from "../../lib/db/prisma";
import { demoAccounts } from "./auth";

// Writes rows straight into a running test server's SQLite file, for data
// that no route creates (extra accounts) or that would take too many
// requests (hundreds of presupuestos). The server reads the file on every
// query, so its next query finds the rows. Rows written here publish
// nothing on the event bus, so streams show them only with the next
// snapshot that a route's change causes.

/** Opens a Prisma client on the SQLite file in a test server's `dataDir`. */
export function openServerDatabase(dataDir: string): PrismaClient {
  return createPrismaClient(`file:${path.join(dataDir, "app.db")}`);
}

/**
 * Inserts `count` active users with role `rol` and the demo password, with
 * e-mails `<label>-<n>@example.com`, and returns those e-mails. The password
 * hash is copied from the seeded admin, so no bcrypt hashing runs here.
 */
export async function insertUsers(
  db: PrismaClient,
  rol: Rol,
  count: number,
  label: string,
): Promise<string[]> {
  const admin = await db.user.findUniqueOrThrow({
    where: { email: demoAccounts.admin },
  });
  const emails = Array.from(
    { length: count },
    (_, index) => `${label}-${index + 1}@example.com`,
  );
  await db.user.createMany({
    data: emails.map((email) => ({
      email,
      name: `${label} ${email.split("@")[0]}`,
      passwordHash: admin.passwordHash,
      rol,
    })),
  });
  return emails;
}

export type PendientesOptions = {
  /** Prefix of the unique numero, for example "P-1999-A". */
  numeroPrefix: string;
  /** Text of every descripcion, whose length sets the size of each item. */
  descripcion?: string;
};

/**
 * Inserts `count` pending, unassigned presupuestos created by the seeded
 * administrativo, in one statement. Numeros use the year 1999, which the
 * app's own numbering never produces.
 */
export async function insertPendientes(
  db: PrismaClient,
  count: number,
  options: PendientesOptions,
): Promise<void> {
  const loader = await db.user.findUniqueOrThrow({
    where: { email: demoAccounts.administrativo },
  });
  await db.presupuesto.createMany({
    data: Array.from({ length: count }, (_, index) => ({
      numero: `${options.numeroPrefix}-${String(index).padStart(6, "0")}`,
      afiliado: "Lucía Martínez",
      afiliadoNumero: "40999888-02",
      prestador: "Hospital Alemán",
      descripcion:
        options.descripcion ?? "Artroscopía de rodilla con reparación",
      montoCentavos: 350_000_000n,
      createdById: loader.id,
    })),
  });
}
