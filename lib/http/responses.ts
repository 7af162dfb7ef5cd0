import { AppError, type ErrorCode } from "../errors";

/** Builds the one JSON error shape: `{ "error": { "code", "message", "fields"? } }`. */
export function errorResponse(
  code: ErrorCode,
  status: number,
  message: string,
  extra: { fields?: Record<string, string[]>; headers?: HeadersInit } = {},
): Response {
  const body = {
    error: { code, message, ...(extra.fields ? { fields: extra.fields } : {}) },
  };
  return Response.json(body, {
    status,
    headers: { "Cache-Control": "no-store", ...extra.headers },
  });
}

/** Seconds a client should wait before retrying, for 503 errors. */
const retryAfterSeconds: Partial<Record<ErrorCode, number>> = {
  too_many_streams: 5,
  unavailable: 1,
};

export function appErrorResponse(error: AppError): Response {
  const retryAfter = retryAfterSeconds[error.code];
  return errorResponse(error.code, error.status, error.message, {
    fields: error.fields,
    headers: retryAfter ? { "Retry-After": String(retryAfter) } : {},
  });
}

export function json(data: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set("Cache-Control", "no-store");
  return Response.json(data, { ...init, headers });
}
