import { afterAll, beforeAll, describe, expect, test } from "vitest";

import {
  newPresupuesto,
  readState,
  request,
  sessionUserId,
  signInAll,
  type Account,
  type ErrorBody,
  type NotificationPage,
  type Sessions,
} from "../support/api";
import type { PresupuestosData } from "../support/events";
import { startServer, type TestServer } from "../support/server";

// Every rejected request gets the JSON error shape with the right status
// and code, and a rejected mutation leaves the data as it was. Each
// mutation below would succeed with the session and body shown, except for
// the one thing its name says is wrong.

/** Targets that beforeAll prepares, since their ids differ per database. */
type Targets = {
  /** A pending presupuesto in the shared pool. */
  pending: string;
  /** A pending presupuesto assigned to auditor@example.com. */
  assigned: string;
  /** A presupuesto already approved. */
  decided: string;
  /** An unread notification of auditor@example.com. */
  auditorNotification: number;
};

type MutationCase = {
  name: string;
  /** Account whose session cookie is sent, or null to send no cookie. */
  account: Account | null;
  path: (targets: Targets) => string;
  headers?: Record<string, string>;
  /** A function, because a stream body can be read only once. */
  body?: () => unknown;
  status: number;
  code: string;
};

type ValidationCase = {
  name: string;
  account: Account;
  path: (targets: Targets) => string;
  body: unknown;
  /** The key that error.fields must contain. */
  field: string;
};

type ReadCase = {
  name: string;
  account: Account | null;
  path: string;
  status: number;
  code: string;
};

const createPath = () => "/api/presupuestos";
const decisionPath = (targets: Targets) =>
  `/api/presupuestos/${targets.pending}/decision`;
const approval = () => ({ decision: "APROBADO" });
const validPresupuesto = () => newPresupuesto();

/** Returns a valid presupuesto padded with spaces to 16 KiB + 1 byte. */
function oversizedJson(): string {
  const json = JSON.stringify(newPresupuesto());
  return json + " ".repeat(16 * 1024 + 1 - json.length);
}

/** Returns the oversized body as a stream, which fetch sends chunked. */
function oversizedStream(): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(oversizedJson());
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(offset, offset + 4096));
      offset += 4096;
    },
  });
}

const validationCases: ValidationCase[] = [
  {
    name: "create without afiliado",
    account: "administrativo",
    path: createPath,
    body: newPresupuesto({ afiliado: undefined }),
    field: "afiliado",
  },
  {
    name: "create with blank afiliado",
    account: "administrativo",
    path: createPath,
    body: newPresupuesto({ afiliado: "   " }),
    field: "afiliado",
  },
  {
    name: "create with negative monto",
    account: "administrativo",
    path: createPath,
    body: newPresupuesto({ monto: -100 }),
    field: "monto",
  },
  {
    name: "create with zero monto",
    account: "administrativo",
    path: createPath,
    body: newPresupuesto({ monto: 0 }),
    field: "monto",
  },
  {
    name: "create with three-decimal monto",
    account: "administrativo",
    path: createPath,
    body: newPresupuesto({ monto: 100.125 }),
    field: "monto",
  },
  {
    name: "create with string monto",
    account: "administrativo",
    path: createPath,
    body: newPresupuesto({ monto: "1000" }),
    field: "monto",
  },
  {
    name: "create with monto over maximum",
    account: "administrativo",
    path: createPath,
    body: newPresupuesto({ monto: 10_000_000_000 }),
    field: "monto",
  },
  {
    name: "create with string urgente",
    account: "administrativo",
    path: createPath,
    body: newPresupuesto({ urgente: "sí" }),
    field: "urgente",
  },
  {
    name: "create with malformed afiliadoNumero",
    account: "administrativo",
    path: createPath,
    body: newPresupuesto({ afiliadoNumero: "#12" }),
    field: "afiliadoNumero",
  },
  {
    name: "create with unknown field",
    account: "administrativo",
    path: createPath,
    body: newPresupuesto({ extra: "x" }),
    field: "extra",
  },
  {
    name: "RECHAZADO without comentario",
    account: "auditor",
    path: decisionPath,
    body: { decision: "RECHAZADO" },
    field: "comentario",
  },
  {
    name: "OBSERVADO without comentario",
    account: "auditor",
    path: decisionPath,
    body: { decision: "OBSERVADO" },
    field: "comentario",
  },
  {
    name: "RECHAZADO with blank comentario",
    account: "auditor",
    path: decisionPath,
    body: { decision: "RECHAZADO", comentario: "   " },
    field: "comentario",
  },
  {
    name: "comentario over 2000 characters",
    account: "auditor",
    path: decisionPath,
    body: { decision: "OBSERVADO", comentario: "x".repeat(2001) },
    field: "comentario",
  },
  {
    name: "unknown decision value",
    account: "auditor",
    path: decisionPath,
    body: { decision: "APROBAR" },
    field: "decision",
  },
  {
    name: "PENDIENTE as decision",
    account: "auditor",
    path: decisionPath,
    body: { decision: "PENDIENTE", comentario: "Vuelve a la cola." },
    field: "decision",
  },
];

const rejectedMutations: MutationCase[] = [
  {
    name: "create with malformed JSON",
    account: "administrativo",
    path: createPath,
    headers: { "Content-Type": "application/json" },
    body: () => '{"afiliado": "Ana",',
    status: 400,
    code: "invalid_json",
  },
  {
    name: "create with empty body",
    account: "administrativo",
    path: createPath,
    headers: { "Content-Type": "application/json" },
    body: () => "",
    status: 400,
    code: "invalid_json",
  },
  {
    name: "decision with malformed JSON",
    account: "auditor",
    path: decisionPath,
    headers: { "Content-Type": "application/json" },
    body: () => "decision=APROBADO",
    status: 400,
    code: "invalid_json",
  },
  {
    name: "create as text/plain",
    account: "administrativo",
    path: createPath,
    headers: { "Content-Type": "text/plain" },
    body: validPresupuesto,
    status: 415,
    code: "unsupported_media_type",
  },
  {
    name: "create without Content-Type",
    account: "administrativo",
    path: createPath,
    body: () => new TextEncoder().encode(JSON.stringify(newPresupuesto())),
    status: 415,
    code: "unsupported_media_type",
  },
  {
    name: "decision as form data",
    account: "auditor",
    path: decisionPath,
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: approval,
    status: 415,
    code: "unsupported_media_type",
  },
  {
    name: "create over 16 KiB",
    account: "administrativo",
    path: createPath,
    headers: { "Content-Type": "application/json" },
    body: oversizedJson,
    status: 413,
    code: "payload_too_large",
  },
  {
    name: "chunked create over 16 KiB",
    account: "administrativo",
    path: createPath,
    headers: { "Content-Type": "application/json" },
    body: oversizedStream,
    status: 413,
    code: "payload_too_large",
  },
  {
    name: "create without session",
    account: null,
    path: createPath,
    body: validPresupuesto,
    status: 401,
    code: "unauthenticated",
  },
  {
    name: "decision without session",
    account: null,
    path: decisionPath,
    body: approval,
    status: 401,
    code: "unauthenticated",
  },
  {
    name: "assignment without session",
    account: null,
    path: (targets) => `/api/presupuestos/${targets.pending}/asignacion`,
    body: () => ({ auditorId: null }),
    status: 401,
    code: "unauthenticated",
  },
  {
    name: "mark read without session",
    account: null,
    path: (targets) =>
      `/api/notificaciones/${targets.auditorNotification}/leer`,
    status: 401,
    code: "unauthenticated",
  },
  {
    name: "mark all read without session",
    account: null,
    path: () => "/api/notificaciones/leer-todas",
    status: 401,
    code: "unauthenticated",
  },
  {
    name: "administrativo deciding",
    account: "administrativo",
    path: decisionPath,
    body: approval,
    status: 403,
    code: "forbidden",
  },
  {
    name: "admin deciding",
    account: "admin",
    path: decisionPath,
    body: approval,
    status: 403,
    code: "forbidden",
  },
  {
    name: "auditor creating",
    account: "auditor",
    path: createPath,
    body: validPresupuesto,
    status: 403,
    code: "forbidden",
  },
  {
    name: "deciding another auditor's presupuesto",
    account: "auditor2",
    path: (targets) => `/api/presupuestos/${targets.assigned}/decision`,
    body: approval,
    status: 403,
    code: "forbidden",
  },
  {
    name: "marking another user's notification",
    account: "administrativo",
    path: (targets) =>
      `/api/notificaciones/${targets.auditorNotification}/leer`,
    status: 403,
    code: "forbidden",
  },
  {
    name: "deciding unknown presupuesto",
    account: "auditor",
    path: () => "/api/presupuestos/no-such-id/decision",
    body: approval,
    status: 404,
    code: "not_found",
  },
  {
    name: "marking unknown notification",
    account: "auditor",
    path: () => "/api/notificaciones/2147483647/leer",
    status: 404,
    code: "not_found",
  },
  {
    name: "deciding decided presupuesto",
    account: "auditor",
    path: (targets) => `/api/presupuestos/${targets.decided}/decision`,
    body: () => ({ decision: "RECHAZADO", comentario: "Segunda decisión." }),
    status: 409,
    code: "conflict",
  },
  {
    name: "cross-site create",
    account: "administrativo",
    path: createPath,
    headers: { Origin: "http://evil.example" },
    body: validPresupuesto,
    status: 403,
    code: "forbidden",
  },
  {
    name: "cross-site decision",
    account: "auditor",
    path: decisionPath,
    headers: { Origin: "http://evil.example" },
    body: approval,
    status: 403,
    code: "forbidden",
  },
  {
    name: "cross-site mark read",
    account: "auditor",
    path: (targets) =>
      `/api/notificaciones/${targets.auditorNotification}/leer`,
    headers: { Origin: "http://evil.example" },
    status: 403,
    code: "forbidden",
  },
  {
    name: "cross-site mark all read",
    account: "auditor",
    path: () => "/api/notificaciones/leer-todas",
    headers: { Origin: "http://evil.example" },
    status: 403,
    code: "forbidden",
  },
  {
    name: "create with Origin null",
    account: "administrativo",
    path: createPath,
    headers: { Origin: "null" },
    body: validPresupuesto,
    status: 403,
    code: "forbidden",
  },
];

const rejectedReads: ReadCase[] = [
  {
    name: "presupuestos list without session",
    account: null,
    path: "/api/presupuestos",
    status: 401,
    code: "unauthenticated",
  },
  {
    name: "notifications without session",
    account: null,
    path: "/api/notificaciones",
    status: 401,
    code: "unauthenticated",
  },
  {
    name: "notification count without session",
    account: null,
    path: "/api/notificaciones/count",
    status: 401,
    code: "unauthenticated",
  },
  {
    name: "pendientes without session",
    account: null,
    path: "/api/v2/presupuestos/auditor/pendientes",
    status: 401,
    code: "unauthenticated",
  },
  {
    name: "stream without session",
    account: null,
    path: "/api/stream/updates",
    status: 401,
    code: "unauthenticated",
  },
  {
    name: "administrativo reading pendientes",
    account: "administrativo",
    path: "/api/v2/presupuestos/auditor/pendientes",
    status: 403,
    code: "forbidden",
  },
  {
    name: "admin reading pendientes",
    account: "admin",
    path: "/api/v2/presupuestos/auditor/pendientes",
    status: 403,
    code: "forbidden",
  },
  {
    name: "auditor listing loaded presupuestos",
    account: "auditor",
    path: "/api/presupuestos",
    status: 403,
    code: "forbidden",
  },
];

const invalidQueries = [
  { name: "limit of zero", query: "limit=0", field: "limit" },
  { name: "limit over 100", query: "limit=101", field: "limit" },
  { name: "non-numeric cursor", query: "cursor=abc", field: "cursor" },
];

let server: TestServer;
let sessions: Sessions;
let targets: Targets;

function sessionOf(account: Account | null): string | undefined {
  return account === null ? undefined : sessions[account];
}

async function prepareTargets(): Promise<Targets> {
  const created = async () => {
    const response = await request<{ id: string }>(
      server.baseUrl,
      "/api/presupuestos",
      { cookie: sessions.administrativo, body: newPresupuesto() },
    );
    if (response.status !== 201) {
      throw new Error(`POST /api/presupuestos failed: HTTP ${response.status}`);
    }
    return response.body.id;
  };
  const pending = await created();
  const decided = await created();
  const decision = await request(
    server.baseUrl,
    `/api/presupuestos/${decided}/decision`,
    { cookie: sessions.auditor, body: { decision: "APROBADO" } },
  );
  if (decision.status !== 200) {
    throw new Error(`approving ${decided} failed: HTTP ${decision.status}`);
  }

  const auditorId = await sessionUserId(server.baseUrl, sessions.auditor);
  const pendientes = await request<PresupuestosData>(
    server.baseUrl,
    "/api/v2/presupuestos/auditor/pendientes",
    { cookie: sessions.auditor },
  );
  const assigned = pendientes.body.pendientes.find(
    (item) => item.auditorId === auditorId,
  );
  if (!assigned) {
    throw new Error("no pending presupuesto is assigned to the auditor");
  }

  const unread = await request<NotificationPage>(
    server.baseUrl,
    "/api/notificaciones?unread=true",
    { cookie: sessions.auditor },
  );
  const notification = unread.body.notifications[0];
  if (!notification) throw new Error("the auditor has no unread notification");

  return {
    pending,
    assigned: assigned.id,
    decided,
    auditorNotification: notification.id,
  };
}

beforeAll(async () => {
  server = await startServer();
  sessions = await signInAll(server.baseUrl);
  targets = await prepareTargets();
});

afterAll(async () => {
  await server?.stop();
});

describe("validation failures", () => {
  test.each(validationCases)("$name", async (row) => {
    const before = await readState(server.baseUrl, sessions);

    const response = await request<ErrorBody>(
      server.baseUrl,
      row.path(targets),
      {
        cookie: sessions[row.account],
        body: row.body,
      },
    );

    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe("validation_failed");
    expect(Object.keys(response.body.error.fields ?? {})).toContain(row.field);
    expect(response.body.error.message).toContain(row.field);
    expect(await readState(server.baseUrl, sessions)).toEqual(before);
  });
});

describe("rejected mutations", () => {
  test.each(rejectedMutations)("$name", async (row) => {
    const before = await readState(server.baseUrl, sessions);

    const response = await request<ErrorBody>(
      server.baseUrl,
      row.path(targets),
      {
        method: "POST",
        cookie: sessionOf(row.account),
        headers: row.headers,
        body: row.body?.(),
      },
    );

    expect(response.status).toBe(row.status);
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(response.body.error.code).toBe(row.code);
    expect(response.body.error.message).not.toBe("");
    expect(await readState(server.baseUrl, sessions)).toEqual(before);
  });
});

describe("rejected reads", () => {
  test.each(rejectedReads)("$name", async (row) => {
    const response = await request<ErrorBody>(server.baseUrl, row.path, {
      cookie: sessionOf(row.account),
    });

    expect(response.status).toBe(row.status);
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(response.body.error.code).toBe(row.code);
    expect(response.body.error.message).not.toBe("");
  });

  test.each(invalidQueries)("notifications with $name", async (row) => {
    const response = await request<ErrorBody>(
      server.baseUrl,
      `/api/notificaciones?${row.query}`,
      { cookie: sessions.auditor },
    );

    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe("validation_failed");
    expect(Object.keys(response.body.error.fields ?? {})).toContain(row.field);
  });
});

describe("unknown API routes", () => {
  test.each(["GET", "POST"])("%s answers JSON 404", async (method) => {
    const response = await fetch(`${server.baseUrl}/api/no-existe`, {
      method,
    });
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toContain("application/json");
    const body = (await response.json()) as { error: { code: string } };
    expect(body.error.code).toBe("not_found");
  });
});
