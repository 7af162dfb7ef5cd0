import { demoAccounts, signIn } from "./auth";

// JSON requests against a test server, and a read-only view of its data
// through the REST routes, for checking that a rejected request changed
// nothing.

export type ApiResponse<Body = unknown> = {
  status: number;
  headers: Headers;
  /** The parsed JSON body, or the raw text when it is not JSON. */
  body: Body;
};

/** The JSON error shape of every route. */
export type ErrorBody = {
  error: { code: string; message: string; fields?: Record<string, string[]> };
};

export type RequestOptions = {
  method?: string;
  /** Cookie header of a signed-in session. Without it, no cookie is sent. */
  cookie?: string;
  headers?: Record<string, string>;
  /**
   * A string, byte array or stream is sent as is, and fetch adds no
   * Content-Type for the last two. Anything else is sent as JSON with
   * `Content-Type: application/json` unless `headers` sets another type.
   */
  body?: unknown;
};

export async function request<Body = unknown>(
  baseUrl: string,
  path: string,
  options: RequestOptions = {},
): Promise<ApiResponse<Body>> {
  const headers = new Headers(options.headers);
  if (options.cookie) headers.set("Cookie", options.cookie);

  let body: BodyInit | undefined;
  if (typeof options.body === "string") {
    body = options.body;
  } else if (
    options.body instanceof ReadableStream ||
    options.body instanceof Uint8Array
  ) {
    body = options.body as BodyInit;
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    if (!headers.has("Content-Type")) {
      headers.set("Content-Type", "application/json");
    }
  }

  const init: RequestInit & { duplex?: "half" } = {
    method: options.method ?? (body === undefined ? "GET" : "POST"),
    headers,
    body,
    redirect: "manual",
  };
  // Node's fetch requires duplex for a stream body, which it sends chunked.
  if (body instanceof ReadableStream) init.duplex = "half";

  const response = await fetch(`${baseUrl}${path}`, init);
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: the caller sees the text.
  }
  return {
    status: response.status,
    headers: response.headers,
    body: parsed as Body,
  };
}

export type Account = keyof typeof demoAccounts;
export type Sessions = Record<Account, string>;

/** Signs in every demo account and returns their Cookie headers. */
export async function signInAll(baseUrl: string): Promise<Sessions> {
  const entries = await Promise.all(
    (Object.keys(demoAccounts) as Account[]).map(
      async (account) =>
        [account, await signIn(baseUrl, demoAccounts[account])] as const,
    ),
  );
  return Object.fromEntries(entries) as Sessions;
}

/** Returns the user id of a session, as next-auth's session route reports. */
export async function sessionUserId(
  baseUrl: string,
  cookie: string,
): Promise<string> {
  const response = await request<{ user?: { id?: string } }>(
    baseUrl,
    "/api/auth/session",
    { cookie },
  );
  const id = response.body.user?.id;
  if (!id) {
    const body = JSON.stringify(response.body);
    throw new Error(`GET /api/auth/session returned no user id: ${body}`);
  }
  return id;
}

export type PresupuestoItem = {
  id: string;
  numero: string;
  estado: string;
  version: number;
  auditorId: string | null;
  updatedAt: string;
};

export type NotificationItem = {
  id: number;
  type: string;
  title: string;
  message: string;
  readAt: string | null;
};

export type NotificationPage = {
  notifications: NotificationItem[];
  nextCursor: number | null;
  unread: number;
};

/**
 * Reads every presupuesto (through the admin's list) and every account's
 * notifications with their unread counts. Two reads compare equal only
 * when no presupuesto or notification was created, decided, assigned or
 * marked read in between.
 * NOTE: both lists stop at 100 rows, which the seeded data (40
 * presupuestos) and these tests stay well below.
 */
export async function readState(baseUrl: string, sessions: Sessions) {
  const presupuestos = await request<{ presupuestos: PresupuestoItem[] }>(
    baseUrl,
    "/api/presupuestos",
    { cookie: sessions.admin },
  );
  if (presupuestos.status !== 200) {
    throw new Error(`GET /api/presupuestos: HTTP ${presupuestos.status}`);
  }
  const notifications: Partial<Record<Account, NotificationPage>> = {};
  for (const account of Object.keys(sessions) as Account[]) {
    const page = await request<NotificationPage>(
      baseUrl,
      "/api/notificaciones?limit=100",
      { cookie: sessions[account] },
    );
    if (page.status !== 200) {
      throw new Error(
        `GET /api/notificaciones as ${account}: HTTP ${page.status}`,
      );
    }
    notifications[account] = page.body;
  }
  return { presupuestos: presupuestos.body.presupuestos, notifications };
}

/** Returns a valid POST /api/presupuestos body, with `overrides` applied. */
export function newPresupuesto(overrides: Record<string, unknown> = {}) {
  return {
    afiliado: "Ana Prueba",
    afiliadoNumero: "40111222-01",
    prestador: "Sanatorio Güemes",
    descripcion: "Resonancia de columna lumbar",
    monto: 350000.5,
    urgente: false,
    ...overrides,
  };
}

/**
 * Polls `read` every 50 ms until `done` accepts its value or `timeoutMs`
 * passes, and returns the last value read.
 */
export async function pollUntil<Value>(
  read: () => Promise<Value>,
  done: (value: Value) => boolean,
  timeoutMs = 3_000,
): Promise<Value> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}
