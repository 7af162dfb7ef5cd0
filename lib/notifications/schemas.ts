import { z } from "../zod";

export const notificationIdSchema = z.coerce
  .number({ error: "El id de notificación tiene que ser un número." })
  .int("El id de notificación tiene que ser entero.")
  .positive("El id de notificación tiene que ser positivo.")
  .max(2_147_483_647, "El id de notificación es demasiado grande.");

export const listQuerySchema = z.object({
  cursor: notificationIdSchema.optional(),
  limit: z.coerce
    .number({ error: "limit tiene que ser un número." })
    .int()
    .min(1, "limit: mínimo 1.")
    .max(100, "limit: máximo 100.")
    .default(20),
  unread: z.enum(["true", "false"]).optional(),
});

export type ListQuery = z.infer<typeof listQuerySchema>;
