import { AppError, type ErrorCode } from "../errors";

/** The one JSON error shape: `{ "error": { "code", "message", "fields"? } }`. */
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

export function appErrorResponse(error: AppError): Response {
  return errorResponse(error.code, error.status, error.message, {
    fields: error.fields,
  });
}

export function json(data: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set("Cache-Control", "no-store");
  return Response.json(data, { ...init, headers });
}
