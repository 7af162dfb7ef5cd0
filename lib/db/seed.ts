import { hashPassword } from "../auth/password";
import type { PrismaClient } from "../generated/prisma/client";
import {
  afiliados,
  demoPassword,
  demoUsers,
  prestadores,
  tratamientos,
} from "./seed-data";

const presupuestoCount = 40;
const dayMs = 24 * 60 * 60 * 1000;

/** Small deterministic generator, so every seeded database looks the same. */
function generator(seed: number) {
  let state = seed;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  return {
    next,
    pick: <T>(items: readonly T[]): T =>
      items[Math.floor(next() * items.length)]!,
  };
}

/**
 * Fills an empty database with the demo accounts, presupuestos in every
 * state and some notifications. Returns false and writes nothing when any
 * user already exists.
 */
export async function seedDemoData(
  db: PrismaClient,
  now = new Date(),
): Promise<boolean> {
  if ((await db.user.count()) > 0) return false;
  const passwordHash = await hashPassword(demoPassword);
  const random = generator(20_260_401);
  const year = now.getUTCFullYear();

  await db.$transaction(async (tx) => {
    const users = new Map<string, string>();
    for (const demo of demoUsers) {
      const user = await tx.user.create({ data: { ...demo, passwordHash } });
      users.set(demo.email, user.id);
    }
    const auditorIds = [
      users.get("auditor@example.com")!,
      users.get("auditor2@example.com")!,
    ];
    const loaderId = users.get("administrativo@example.com")!;

    for (let index = 1; index <= presupuestoCount; index++) {
      const [descripcion, min, max] = random.pick(tratamientos);
      const pesos = Math.round(min + random.next() * (max - min));
      const createdAt = new Date(
        now.getTime() -
          (presupuestoCount - index) * 0.5 * dayMs -
          random.next() * 6 * 3600_000,
      );
      // The newest 24 stay pending, a few of them already taken by an
      // auditor; the older ones carry a decision.
      const pending = index > presupuestoCount - 24;
      const estado = pending
        ? "PENDIENTE"
        : random.pick([
            "APROBADO",
            "APROBADO",
            "RECHAZADO",
            "OBSERVADO",
          ] as const);
      const auditorId = pending
        ? index % 7 === 0
          ? auditorIds[index % 2]!
          : null
        : auditorIds[index % 2]!;
      const afiliado = random.pick(afiliados);
      const presupuesto = await tx.presupuesto.create({
        data: {
          numero: `P-${year}-${String(index).padStart(6, "0")}`,
          afiliado,
          afiliadoNumero: `${String(40_000_000 + Math.floor(random.next() * 9_999_999))}-0${1 + (index % 3)}`,
          prestador: random.pick(prestadores),
          descripcion,
          montoCentavos: BigInt(pesos) * 100n,
          urgente: random.next() < 0.2,
          estado,
          auditorId,
          createdById: loaderId,
          createdAt,
          version: pending ? 1 : 2,
        },
      });
      await tx.presupuestoEvento.create({
        data: {
          presupuestoId: presupuesto.id,
          userId: loaderId,
          toEstado: "PENDIENTE",
          createdAt,
        },
      });
      if (!pending) {
        const comentario =
          estado === "APROBADO"
            ? null
            : estado === "RECHAZADO"
              ? "No cumple criterios de cobertura del PMO."
              : "Adjuntar historia clínica y segundo presupuesto.";
        const decidedAt = new Date(createdAt.getTime() + 3 * 3600_000);
        await tx.presupuestoEvento.create({
          data: {
            presupuestoId: presupuesto.id,
            userId: auditorId!,
            fromEstado: "PENDIENTE",
            toEstado: estado,
            comentario,
            createdAt: decidedAt,
          },
        });
        await tx.notification.create({
          data: {
            userId: loaderId,
            type: `presupuesto.${estado.toLowerCase()}`,
            title: `Presupuesto ${presupuesto.numero} ${estado.toLowerCase()}`,
            message: comentario ?? "Aprobado sin observaciones.",
            link: "/presupuestos",
            createdAt: decidedAt,
            readAt: index < 10 ? decidedAt : null,
          },
        });
      } else if (index > presupuestoCount - 3) {
        for (const auditorId of auditorIds) {
          await tx.notification.create({
            data: {
              userId: auditorId,
              type: "presupuesto.nuevo",
              title: `Nuevo presupuesto ${presupuesto.numero}`,
              message: `${afiliado} · ${presupuesto.prestador}`,
              link: "/auditoria",
              createdAt,
            },
          });
        }
      }
    }
    await tx.presupuestoSequence.create({
      data: { year, last: presupuestoCount },
    });
  });
  return true;
}
