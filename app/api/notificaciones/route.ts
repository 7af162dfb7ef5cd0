import { requireUser } from "@/lib/auth/session";
import { validationError } from "@/lib/http/body";
import { json } from "@/lib/http/responses";
import { route } from "@/lib/http/route";
import { listQuerySchema } from "@/lib/notifications/schemas";
import { listNotifications } from "@/lib/notifications/service";

export const dynamic = "force-dynamic";

export const GET = route("notificaciones.list", async ({ request }) => {
  const user = await requireUser();
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const query = listQuerySchema.safeParse(params);
  if (!query.success) throw validationError(query.error);
  return json(await listNotifications(user.id, query.data));
});
