import "server-only";

import { timingSafeEqual } from "node:crypto";

import { getSessionUser } from "../auth/session";
import { getEnv } from "../env";
import { forbidden, unauthenticated } from "../errors";
import { getMetrics } from "../metrics";

/** Compares in constant time, so the token cannot be guessed by timing. */
function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Returns the Prometheus text for a caller with `Authorization: Bearer
 * <METRICS_TOKEN>` or an admin session; throws 401 or 403 otherwise.
 */
export async function readMetricsText(request: Request) {
  const token = getEnv().METRICS_TOKEN;
  const header = request.headers.get("authorization") ?? "";
  const bearer = /^Bearer (.+)$/i.exec(header)?.[1];
  if (bearer !== undefined) {
    if (!token) {
      throw forbidden(
        "No hay token de métricas configurado: definí METRICS_TOKEN o entrá como admin.",
      );
    }
    if (!sameToken(bearer, token)) {
      throw forbidden("El token de métricas no es válido.");
    }
  } else {
    const user = await getSessionUser();
    if (!user) throw unauthenticated();
    if (user.rol !== "admin") {
      throw forbidden("Las métricas requieren el rol admin o un token.");
    }
  }
  const { registry } = getMetrics();
  return { body: await registry.metrics(), contentType: registry.contentType };
}
