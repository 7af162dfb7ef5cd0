import "server-only";

import type { SessionUser } from "../auth/session";
import { getDb } from "../db";
import { AppError, notFound } from "../errors";
import { publishAfterCommit } from "../realtime/publish";
import type { UpdateUserInput } from "./schemas";

/**
 * Changes a user's role or active flag. The user's open streams end at
 * once with a `session` event, and their session token stops counting, so
 * they sign in again with the new role.
 */
export async function updateUser(
  admin: SessionUser,
  id: string,
  input: UpdateUserInput,
) {
  if (id === admin.id) {
    throw new AppError(
      "conflict",
      "No podés cambiar el rol ni desactivar tu propia cuenta.",
    );
  }
  const existing = await getDb().user.findUnique({ where: { id } });
  if (!existing) throw notFound(`El usuario ${id}`);
  const user = await getDb().user.update({
    where: { id },
    data: input,
    select: { id: true, email: true, name: true, rol: true, active: true },
  });
  await publishAfterCommit({ type: "users", userIds: [id] });
  return { user };
}
