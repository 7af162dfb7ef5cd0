import "server-only";

import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";

import { getDb } from "../db";
import { getEnv } from "../env";
import { createLogger } from "../logger";
import { verifyPassword } from "./password";
import { rolSchema } from "./roles";

const log = createLogger("auth");

const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(254),
  password: z.string().min(1).max(200),
});

const optionsKey = Symbol.for("auditoria.authOptions");
type OptionsCache = { [optionsKey]?: NextAuthOptions };

/** Builds the next-auth options on first use, when the secret is known. */
export function getAuthOptions(): NextAuthOptions {
  const cache = globalThis as OptionsCache;
  cache[optionsKey] ??= buildAuthOptions();
  return cache[optionsKey];
}

function buildAuthOptions(): NextAuthOptions {
  const env = getEnv();
  return {
    secret: env.NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: env.SESSION_MAX_AGE_S },
    jwt: { maxAge: env.SESSION_MAX_AGE_S },
    pages: { signIn: "/login" },
    providers: [
      CredentialsProvider({
        name: "Correo y contraseña",
        credentials: {
          email: { label: "Correo electrónico", type: "email" },
          password: { label: "Contraseña", type: "password" },
        },
        authorize: authorizeCredentials,
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          token.uid = user.id;
          token.rol = user.rol;
        }
        return token;
      },
      session({ session, token }) {
        if (token.uid && token.rol) {
          session.user.id = token.uid;
          session.user.rol = token.rol;
        }
        return session;
      },
    },
    logger: {
      error: (code, metadata) =>
        log.error({ code, metadata }, "next-auth error"),
      warn: (code) => log.warn({ code }, "next-auth warning"),
      debug: () => {},
    },
  };
}

async function authorizeCredentials(
  credentials: Record<string, string> | undefined,
) {
  const parsed = credentialsSchema.safeParse(credentials ?? {});
  if (!parsed.success) return null;
  const { email, password } = parsed.data;

  const user = await getDb().user.findUnique({ where: { email } });
  const valid =
    user !== null && (await verifyPassword(password, user.passwordHash));
  if (!user || !valid || !user.active) {
    log.info(
      { email, reason: !user || !valid ? "bad_credentials" : "inactive" },
      "sign-in rejected",
    );
    return null;
  }
  const rol = rolSchema.parse(user.rol);
  log.info({ userId: user.id, rol }, "signed in");
  return { id: user.id, email: user.email, name: user.name, rol };
}
