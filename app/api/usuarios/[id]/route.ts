import { requireUser } from "@/lib/auth/session";
import { readJsonBody, validationError } from "@/lib/http/body";
import { json } from "@/lib/http/responses";
import { route } from "@/lib/http/route";
import { idSchema } from "@/lib/presupuestos/schemas";
import { updateUserSchema } from "@/lib/users/schemas";
import { updateUser } from "@/lib/users/service";

export const PATCH = route<{ id: string }>(
  "usuarios.update",
  async ({ request, params, log }) => {
    const admin = await requireUser(["admin"]);
    const id = idSchema.safeParse(params.id);
    if (!id.success) throw validationError(id.error, "id");
    const input = await readJsonBody(request, updateUserSchema);
    const result = await updateUser(admin, id.data, input);
    log.info(
      { userId: admin.id, targetUserId: id.data, ...input },
      "user updated",
    );
    return json(result);
  },
);
