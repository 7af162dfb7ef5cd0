import { z } from "../zod";

export const rolSchema = z.enum(["auditor_medico", "administrativo", "admin"]);
export type Rol = z.infer<typeof rolSchema>;

export const rolLabels: Record<Rol, string> = {
  auditor_medico: "Auditor médico",
  administrativo: "Administrativo",
  admin: "Administrador",
};

/** Roles that may load presupuestos. */
export const loaderRoles: readonly Rol[] = ["administrativo", "admin"];
