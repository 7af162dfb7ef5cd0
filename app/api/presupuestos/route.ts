import { loaderRoles } from "@/lib/auth/roles";
import { requireUser } from "@/lib/auth/session";
import { readJsonBody } from "@/lib/http/body";
import { json } from "@/lib/http/responses";
import { route } from "@/lib/http/route";
import { createPresupuesto } from "@/lib/presupuestos/create";
import { listPresupuestos } from "@/lib/presupuestos/queries";
import { createPresupuestoSchema } from "@/lib/presupuestos/schemas";

export const dynamic = "force-dynamic";

export const GET = route("presupuestos.list", async () => {
  const user = await requireUser(loaderRoles);
  return json(await listPresupuestos(user));
});

export const POST = route("presupuestos.create", async ({ request, log }) => {
  const user = await requireUser(loaderRoles);
  const input = await readJsonBody(request, createPresupuestoSchema);
  const presupuesto = await createPresupuesto(user, input);
  log.info(
    {
      userId: user.id,
      presupuestoId: presupuesto.id,
      numero: presupuesto.numero,
    },
    "presupuesto created",
  );
  return json({ ...presupuesto, presupuesto }, { status: 201 });
});
