import { z } from "../zod";

import { maxMontoPesos, pesosToCentavos } from "../money";

export const estados = [
  "PENDIENTE",
  "APROBADO",
  "RECHAZADO",
  "OBSERVADO",
] as const;
export const estadoSchema = z.enum(estados);
export type Estado = z.infer<typeof estadoSchema>;

export const decisiones = ["APROBADO", "RECHAZADO", "OBSERVADO"] as const;

const text = (label: string, min: number, max: number) =>
  z
    .string({ error: `${label}: tiene que ser texto.` })
    .trim()
    .min(min, `${label}: mínimo ${min} caracteres.`)
    .max(max, `${label}: máximo ${max} caracteres.`);

export const createPresupuestoSchema = z
  .object({
    afiliado: text("Afiliado", 3, 120),
    afiliadoNumero: z
      .string({ error: "Número de afiliado: tiene que ser texto." })
      .trim()
      .regex(
        /^[0-9A-Za-z][0-9A-Za-z/-]{2,29}$/,
        "Número de afiliado: de 3 a 30 letras, dígitos, guiones o barras.",
      ),
    prestador: text("Prestador", 2, 120),
    descripcion: text("Descripción", 5, 2000),
    monto: z
      .number({ error: "Monto: tiene que ser un número en pesos." })
      .positive("Monto: tiene que ser mayor que cero.")
      .max(maxMontoPesos, "Monto: supera el máximo de $ 9.999.999.999,99.")
      .refine(
        (value) => pesosToCentavos(value) !== null,
        "Monto: como máximo dos decimales.",
      ),
    urgente: z
      .boolean({ error: "Urgente: tiene que ser true o false." })
      .default(false),
  })
  .strict();

export type CreatePresupuestoInput = z.infer<typeof createPresupuestoSchema>;

export const decisionSchema = z
  .object({
    decision: z.enum(decisiones, {
      error: "Decisión: tiene que ser APROBADO, RECHAZADO u OBSERVADO.",
    }),
    comentario: z
      .string({ error: "Comentario: tiene que ser texto." })
      .trim()
      .max(2000, "Comentario: máximo 2000 caracteres.")
      .optional(),
  })
  .strict()
  .refine(
    (value) => value.decision === "APROBADO" || (value.comentario ?? "") !== "",
    {
      path: ["comentario"],
      message: "Comentario: obligatorio para rechazar u observar.",
    },
  );

export type DecisionInput = z.infer<typeof decisionSchema>;

export const assignmentSchema = z
  .object({
    auditorId: z
      .string({ error: "auditorId: tiene que ser texto o null." })
      .min(1, "auditorId: no puede estar vacío.")
      .max(64, "auditorId: máximo 64 caracteres.")
      .nullable(),
  })
  .strict();

export type AssignmentInput = z.infer<typeof assignmentSchema>;

export const idSchema = z
  .string()
  .min(1, "Identificador: no puede estar vacío.")
  .max(64, "Identificador: máximo 64 caracteres.")
  .regex(
    /^[A-Za-z0-9_-]+$/,
    "Identificador inválido: usá el id que devuelve la API (letras, números, - y _).",
  );
