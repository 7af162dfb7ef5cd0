// Application errors and the one table from error code to HTTP status.

export const errorStatus = {
  invalid_json: 400,
  validation_failed: 422,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  too_many_streams: 503,
  unavailable: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof errorStatus;

/** Field name to the messages that describe what is wrong with it. */
export type FieldErrors = Record<string, string[]>;

/**
 * An error whose message is safe to show to the client. Anything else that
 * reaches a route handler is logged, and the client gets a generic 500.
 */
export class AppError extends Error {
  override name = "AppError";

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldErrors,
  ) {
    super(message);
  }

  get status(): number {
    return errorStatus[this.code];
  }
}

export function notFound(what: string): AppError {
  return new AppError("not_found", `${what} no existe.`);
}

export function forbidden(
  message = "No tenés permiso para esta acción.",
): AppError {
  return new AppError("forbidden", message);
}

export function unauthenticated(): AppError {
  return new AppError(
    "unauthenticated",
    "Sesión no iniciada o vencida. Iniciá sesión para continuar.",
  );
}
