// Client-side access to the REST routes, shared by the SWR hooks.

export const keys = {
  notificationCount: "/api/notificaciones/count",
  notifications: "/api/notificaciones?limit=10",
  pendientes: "/api/v2/presupuestos/auditor/pendientes",
  presupuestos: "/api/presupuestos",
} as const;

export class ApiError extends Error {
  override name = "ApiError";

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Fetches JSON; throws ApiError with the server's message on failure. */
export async function fetchJson<T>(url: string): Promise<T> {
  const response = await fetch(url, {
    headers: { Accept: "application/json" },
    cache: "no-store",
  });
  if (response.ok) return (await response.json()) as T;
  const body = (await response.json().catch(() => null)) as {
    error?: { code?: string; message?: string };
  } | null;
  throw new ApiError(
    response.status,
    body?.error?.code ?? "http_error",
    body?.error?.message ?? `La solicitud falló (HTTP ${response.status}).`,
  );
}

/** Keeps the newer of two versioned states; undefined versions lose. */
export function newerState<T extends { version?: number }>(
  current: T | undefined,
  incoming: T,
): T {
  if (!current) return incoming;
  return (incoming.version ?? 0) >= (current.version ?? 0) ? incoming : current;
}
