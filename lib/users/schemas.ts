import { z } from "../zod";

import { rolSchema } from "../auth/roles";

export const updateUserSchema = z
  .object({
    rol: rolSchema.optional(),
    active: z
      .boolean({ error: "active: tiene que ser true o false." })
      .optional(),
  })
  .strict()
  .refine((value) => value.rol !== undefined || value.active !== undefined, {
    message: "Indicá rol, active o ambos.",
  });

export type UpdateUserInput = z.infer<typeof updateUserSchema>;
