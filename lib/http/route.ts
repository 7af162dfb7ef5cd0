import "server-only";

import { randomUUID } from "node:crypto";

import { AppError } from "../errors";
import { createLogger, type Logger } from "../logger";
import { corsHeaders, isAllowedOrigin } from "../security/cors";
import { appErrorResponse, errorResponse } from "./responses";

export type RouteContext<Params> = {
  request: Request;
  params: Params;
  log: Logger;
  requestId: string;
};

type NextContext<Params> = { params: Promise<Params> };

/**
 * Wraps a route handler: gives it a request-scoped logger, rejects
 * cross-site mutations, and maps errors to the JSON error shape. Only an
 * AppError's message reaches the client; anything else is logged with the
 * request id and gets a generic 500 response.
 */
export function route<Params = Record<string, never>>(
  name: string,
  handler: (context: RouteContext<Params>) => Promise<Response>,
) {
  return async (
    request: Request,
    nextContext: NextContext<Params>,
  ): Promise<Response> => {
    const requestId = request.headers.get("x-request-id") ?? randomUUID();
    const log = createLogger("http", {
      route: name,
      method: request.method,
      requestId,
    });
    try {
      if (request.method !== "GET" && !isAllowedMutationOrigin(request)) {
        throw new AppError(
          "forbidden",
          "Origen no permitido: las modificaciones solo se aceptan desde esta aplicación.",
        );
      }
      const params = await nextContext.params;
      return withCors(
        request,
        await handler({ request, params, log, requestId }),
      );
    } catch (error) {
      if (error instanceof AppError) {
        log.info({ code: error.code, status: error.status }, error.message);
        return withCors(request, appErrorResponse(error));
      }
      log.error({ err: error }, "request failed");
      return errorResponse(
        "internal",
        500,
        `Error interno. Si persiste, informá este código: ${requestId}.`,
        { headers: { "X-Request-Id": requestId } },
      );
    }
  };
}

/** Adds CORS headers when the request comes from an allowed origin. */
function withCors(request: Request, response: Response): Response {
  const headers = corsHeaders(request.headers.get("origin"));
  for (const [name, value] of Object.entries(headers)) {
    response.headers.set(name, value);
  }
  return response;
}

/**
 * Checks the Origin header of a mutation against the request's own host
 * and ALLOWED_ORIGINS. Browsers always send Origin on cross-site POSTs, so
 * a mismatch is cross-site request forgery. A missing Origin comes from a
 * non-browser client, which has to present the session cookie anyway.
 */
function isAllowedMutationOrigin(request: Request): boolean {
  const origin = request.headers.get("origin");
  if (origin === null || isAllowedOrigin(origin)) return true;
  const host =
    request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
