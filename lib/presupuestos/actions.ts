"use server";

import { runAction } from "../actions/run";
import { loaderRoles } from "../auth/roles";
import { requireUser } from "../auth/session";
import { validationError } from "../http/body";
import { assignPresupuesto } from "./assign";
import { createPresupuesto } from "./create";
import { decidePresupuesto } from "./decide";
import { createPresupuestoSchema, decisionSchema, idSchema } from "./schemas";

// Server actions for the pages. They validate with the same schemas and
// call the same functions as the REST routes.

export async function createPresupuestoAction(input: unknown) {
  return runAction("createPresupuesto", async () => {
    const user = await requireUser(loaderRoles);
    const parsed = createPresupuestoSchema.safeParse(input);
    if (!parsed.success) throw validationError(parsed.error);
    return createPresupuesto(user, parsed.data);
  });
}

export async function decidePresupuestoAction(id: string, input: unknown) {
  return runAction("decidePresupuesto", async () => {
    const user = await requireUser(["auditor_medico"]);
    const parsedId = idSchema.safeParse(id);
    if (!parsedId.success) throw validationError(parsedId.error, "id");
    const parsed = decisionSchema.safeParse(input);
    if (!parsed.success) throw validationError(parsed.error);
    return decidePresupuesto(user, parsedId.data, parsed.data);
  });
}

/** Takes an unassigned presupuesto (`take`) or returns one to the pool. */
export async function assignToMeAction(id: string, take: boolean) {
  return runAction("assignPresupuesto", async () => {
    const user = await requireUser(["auditor_medico"]);
    const parsedId = idSchema.safeParse(id);
    if (!parsedId.success) throw validationError(parsedId.error, "id");
    return assignPresupuesto(user, parsedId.data, take ? user.id : null);
  });
}
