import { requireUser } from "@/lib/auth/session";
import { readJsonBody, validationError } from "@/lib/http/body";
import { json } from "@/lib/http/responses";
import { route } from "@/lib/http/route";
import { assignPresupuesto } from "@/lib/presupuestos/assign";
import { assignmentSchema, idSchema } from "@/lib/presupuestos/schemas";

export const POST = route<{ id: string }>(
  "presupuestos.asignacion",
  async ({ request, params, log }) => {
    const user = await requireUser(["auditor_medico", "admin"]);
    const id = idSchema.safeParse(params.id);
    if (!id.success) throw validationError(id.error, "id");
    const { auditorId } = await readJsonBody(request, assignmentSchema);
    const presupuesto = await assignPresupuesto(user, id.data, auditorId);
    log.info(
      { userId: user.id, presupuestoId: id.data, auditorId },
      "presupuesto assigned",
    );
    return json({ presupuesto });
  },
);
