import { requireUser } from "@/lib/auth/session";
import { json } from "@/lib/http/responses";
import { route } from "@/lib/http/route";
import { readNotificationSnapshots } from "@/lib/realtime/snapshots";

export const dynamic = "force-dynamic";

export const GET = route("notificaciones.count", async () => {
  const user = await requireUser();
  const snapshot = (await readNotificationSnapshots([user.id])).get(user.id);
  return json({ count: snapshot?.count ?? 0, version: snapshot?.version });
});
