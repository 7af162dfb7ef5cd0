import { requireUser } from "@/lib/auth/session";
import { validationError } from "@/lib/http/body";
import { json } from "@/lib/http/responses";
import { route } from "@/lib/http/route";
import { notificationIdSchema } from "@/lib/notifications/schemas";
import { markRead } from "@/lib/notifications/service";

export const POST = route<{ id: string }>(
  "notificaciones.leer",
  async ({ params }) => {
    const user = await requireUser();
    const id = notificationIdSchema.safeParse(params.id);
    if (!id.success) throw validationError(id.error, "id");
    return json(await markRead(user.id, id.data));
  },
);
