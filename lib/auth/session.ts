import "server-only";

import { getDb } from "../db";
import { forbidden, unauthenticated } from "../errors";
import { type Rol, rolSchema } from "./roles";
import { readSessionToken } from "./token";

export type SessionUser = {
  id: string;
  email: string;
  name: string;
  rol: Rol;
  /** When the session token expires, in epoch milliseconds. */
  expiresAt: number;
};

/**
 * Returns the signed-in user, or null. The user is read from the database
 * on every call, so that a deactivated account or a changed role takes
 * effect at once instead of when the session token expires. A token issued
 * for another role than the current one no longer counts, so the user
 * signs in again.
 */
export async function getSessionUser(): Promise<SessionUser | null> {
  const token = await readSessionToken();
  const id = token?.uid;
  const exp = typeof token?.exp === "number" ? token.exp * 1000 : 0;
  if (!id || exp <= Date.now()) return null;
  const user = await getDb().user.findUnique({
    where: { id },
    select: { id: true, email: true, name: true, rol: true, active: true },
  });
  if (!user || !user.active) return null;
  const rol = rolSchema.safeParse(user.rol);
  if (!rol.success || rol.data !== token?.rol) return null;
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    rol: rol.data,
    expiresAt: exp,
  };
}

/** Returns the signed-in user; throws 401 without one and 403 for other roles. */
export async function requireUser(
  roles?: readonly Rol[],
): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) throw unauthenticated();
  if (roles && !roles.includes(user.rol)) {
    throw forbidden(
      `Esta acción requiere el rol ${roles.join(" o ")}; tu rol es ${user.rol}.`,
    );
  }
  return user;
}
