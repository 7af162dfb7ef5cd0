import { requireUser } from "@/lib/auth/session";
import { json } from "@/lib/http/responses";
import { route } from "@/lib/http/route";
import { markAllRead } from "@/lib/notifications/service";

export const POST = route("notificaciones.leerTodas", async () => {
  const user = await requireUser();
  return json(await markAllRead(user.id));
});
