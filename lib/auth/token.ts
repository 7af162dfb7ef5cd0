import "server-only";

import { decode, type JWT } from "next-auth/jwt";
import { cookies } from "next/headers";

import { getEnv } from "../env";

// next-auth 4 names the cookie with a __Secure- prefix on https sites.
const cookieNames = [
  "__Secure-next-auth.session-token",
  "next-auth.session-token",
];

/**
 * Reads and verifies the session token from the request's cookies. Unlike
 * getServerSession it keeps the token's expiry (`exp`, in epoch seconds),
 * which event streams need in order to end with the session.
 */
export async function readSessionToken(): Promise<JWT | null> {
  const jar = await cookies();
  for (const name of cookieNames) {
    // Large tokens are split into name.0, name.1, … chunks.
    const value =
      jar.get(name)?.value ??
      chunked(jar.getAll().filter((c) => c.name.startsWith(`${name}.`)));
    if (!value) continue;
    try {
      return await decode({ token: value, secret: getEnv().NEXTAUTH_SECRET });
    } catch {
      return null;
    }
  }
  return null;
}

function chunked(parts: Array<{ name: string; value: string }>): string {
  return parts
    .sort(
      (a, b) =>
        Number(a.name.split(".").pop()) - Number(b.name.split(".").pop()),
    )
    .map((part) => part.value)
    .join("");
}
