import "server-only";

import { getEnv } from "../env";
import { createPrismaClient, type PrismaClient } from "./prisma";

// One client per process, on globalThis so that hot reloads and the
// separate Next.js bundles (route handlers, server actions) share it.
const clientKey = Symbol.for("auditoria.prisma");
type ClientCache = { [clientKey]?: PrismaClient };

export function getDb(): PrismaClient {
  const cache = globalThis as ClientCache;
  cache[clientKey] ??= createPrismaClient(getEnv().DATABASE_URL);
  return cache[clientKey];
}

export type { PrismaClient };
export type { Prisma } from "../generated/prisma/client";
