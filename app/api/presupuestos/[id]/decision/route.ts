import { requireUser } from "@/lib/auth/session";
import { readJsonBody, validationError } from "@/lib/http/body";
import { json } from "@/lib/http/responses";
import { route } from "@/lib/http/route";
import { decidePresupuesto } from "@/lib/presupuestos/decide";
import { decisionSchema, idSchema } from "@/lib/presupuestos/schemas";

export const POST = route<{ id: string }>(
  "presupuestos.decision",
  async ({ request, params, log }) => {
    const user = await requireUser(["auditor_medico"]);
    const id = idSchema.safeParse(params.id);
    if (!id.success) throw validationError(id.error, "id");
    const input = await readJsonBody(request, decisionSchema);
    const presupuesto = await decidePresupuesto(user, id.data, input);
    log.info(
      { userId: user.id, presupuestoId: id.data, decision: input.decision },
      "presupuesto decided",
    );
    return json({ presupuesto });
  },
);
