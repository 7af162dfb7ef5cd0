import type { Rol } from "../../lib/auth/roles";
import type { SessionUser } from "../../lib/auth/session";
import { getBus, type BusMessage } from "../../lib/bus";
import type { PrismaClient } from "../../lib/db/prisma";
import type { CreatePresupuestoInput } from "../../lib/presupuestos/schemas";

// Rows and inputs for the service tests. Users get unique e-mails and
// presupuestos unique numbers from counters, so a test names only the
// columns it checks.

let userCounter = 0;
let numeroCounter = 0;

export type UserOptions = { name?: string; active?: boolean };

/** Inserts a user and returns it as the services receive it. */
export async function createUser(
  db: PrismaClient,
  rol: Rol,
  options: UserOptions = {},
): Promise<SessionUser> {
  userCounter += 1;
  const user = await db.user.create({
    data: {
      email: `${rol}-${userCounter}@example.com`,
      name: options.name ?? `${rol} ${userCounter}`,
      // Never checked: the services take an already authenticated user.
      passwordHash: "not-a-bcrypt-hash",
      rol,
      active: options.active ?? true,
    },
  });
  return toSessionUser(user);
}

/** Converts a user row to the signed-in user that the services receive. */
export function toSessionUser(user: {
  id: string;
  email: string;
  name: string;
  rol: string;
}): SessionUser {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    rol: user.rol as Rol,
    // An hour from now. The services never read it.
    expiresAt: Date.now() + 3_600_000,
  };
}

/** Returns a valid createPresupuesto input with `overrides` applied. */
export function presupuestoInput(
  overrides: Partial<CreatePresupuestoInput> = {},
): CreatePresupuestoInput {
  return {
    afiliado: "María Fernanda Gómez",
    afiliadoNumero: "40123456-01",
    prestador: "Sanatorio Güemes",
    descripcion: "Resonancia magnética de rodilla derecha con contraste",
    monto: 1234.5,
    urgente: false,
    ...overrides,
  };
}

export type PresupuestoRow = {
  createdById: string;
  createdAt?: Date;
  urgente?: boolean;
  estado?: string;
  auditorId?: string | null;
};

/**
 * Inserts a presupuesto directly, bypassing the service, so that a test can
 * choose its creation time, state and auditor. Numbers use the year 1999,
 * which createPresupuesto never produces.
 */
export async function insertPresupuesto(db: PrismaClient, row: PresupuestoRow) {
  numeroCounter += 1;
  return db.presupuesto.create({
    data: {
      numero: `P-1999-${String(numeroCounter).padStart(6, "0")}`,
      afiliado: "Lucía Martínez",
      afiliadoNumero: "40999888-02",
      prestador: "Hospital Alemán",
      descripcion: "Artroscopía de rodilla con reparación meniscal",
      montoCentavos: 350_000_000n,
      urgente: row.urgente ?? false,
      estado: row.estado ?? "PENDIENTE",
      auditorId: row.auditorId ?? null,
      createdById: row.createdById,
      createdAt: row.createdAt ?? new Date(),
    },
  });
}

export type BusRecorder = {
  messages: BusMessage[];
  /** Stops recording. */
  stop: () => void;
};

/**
 * Records the messages published on the process bus. `onMessage`, when
 * given, runs synchronously on delivery, for example to read the database
 * at that moment.
 */
export function recordBus(
  onMessage?: (message: BusMessage) => void,
): BusRecorder {
  const messages: BusMessage[] = [];
  const stop = getBus().subscribe((message) => {
    messages.push(message);
    onMessage?.(message);
  });
  return { messages, stop };
}
