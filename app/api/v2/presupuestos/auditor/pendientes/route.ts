import { requireUser } from "@/lib/auth/session";
import { json } from "@/lib/http/responses";
import { route } from "@/lib/http/route";
import { readPresupuestosSnapshots } from "@/lib/realtime/snapshots";

export const dynamic = "force-dynamic";

export const GET = route("presupuestos.pendientes", async () => {
  const user = await requireUser(["auditor_medico"]);
  const snapshots = await readPresupuestosSnapshots([user.id]);
  return json(snapshots.get(user.id));
});
