import { afterAll, beforeAll, describe, expect, test } from "vitest";

import {
  newPresupuesto,
  request,
  sessionUserId,
  signInAll,
  type Account,
  type ErrorBody,
  type NotificationPage,
  type Sessions,
} from "../support/api";
import { readDatabase } from "../support/database";
import { startServer, type TestServer } from "../support/server";

// Every mutation route against each kind of bad input: the right 4xx, a
// JSON error whose message or fields name the problem, and not one row
// changed anywhere in the database. Each request would succeed but for the
// one problem its name gives. The last block sends the valid requests and
// checks that they do change the database.
//
// leer and leer-todas read no body, so the body problems (malformed JSON,
// oversized body, wrong Content-Type) do not apply to them. Any user may
// mark their own notifications read, so the role row of leer checks the
// owner instead, and leer-todas has none. errors.test.ts sends some of
// the same requests but checks only their status and code. Its validation
// table does check the message and fields, so the invalid values here are
// ones it does not send.

/** Ids that beforeAll prepares, since they differ per database. */
type Targets = {
  /** A pending presupuesto in the shared pool, for decisions. */
  decisionId: string;
  /** Another pending presupuesto in the pool, for assignments. */
  assignmentId: string;
  auditorId: string;
  auditor2Id: string;
  /** An unread notification of auditor@example.com. */
  auditorNotification: number;
};

type BadInputCase = {
  route: string;
  problem: string;
  account: Account;
  method: "POST" | "PATCH";
  path: (targets: Targets) => string;
  headers?: Record<string, string>;
  /** A string is sent as is, and anything else as JSON. */
  body?: (targets: Targets) => unknown;
  status: number;
  code: string;
  /** A key that error.fields must contain. */
  field?: string;
  /** What error.message or one of the field messages must contain. */
  mentions: RegExp;
};

/** A mutation route whose body is JSON, with its route-specific inputs. */
type JsonRoute = {
  route: string;
  method: "POST" | "PATCH";
  account: Account;
  path: (targets: Targets) => string;
  valid: (targets: Targets) => Record<string, unknown>;
  /** Status of the valid request. */
  successStatus: number;
  malformed: string;
  wrongType: {
    body: (targets: Targets) => unknown;
    field: string;
    mentions: RegExp;
  };
  tooLong: {
    path?: (targets: Targets) => string;
    body?: (targets: Targets) => unknown;
    field: string;
    mentions: RegExp;
  };
  wrongRole: { account: Account; mentions: RegExp };
};

const jsonType = { "Content-Type": "application/json" };
const evilOrigin = { Origin: "http://evil.example" };
const maxBodyBytes = 16 * 1024;

/** Returns `body` as JSON padded with spaces to one byte over 16 KiB. */
function oversized(body: unknown): string {
  const json = JSON.stringify(body);
  return json + " ".repeat(maxBodyBytes + 1 - Buffer.byteLength(json));
}

const jsonRoutes: JsonRoute[] = [
  {
    route: "POST /api/presupuestos",
    method: "POST",
    account: "administrativo",
    path: () => "/api/presupuestos",
    valid: () => newPresupuesto(),
    successStatus: 201,
    malformed: '{"afiliado": "Ana Prueba" "monto": 1000}',
    wrongType: {
      body: () => newPresupuesto({ afiliado: 12345 }),
      field: "afiliado",
      mentions: /Afiliado: tiene que ser texto/,
    },
    tooLong: {
      body: () => newPresupuesto({ descripcion: "x".repeat(2001) }),
      field: "descripcion",
      mentions: /Descripción: máximo 2000 caracteres/,
    },
    wrongRole: {
      account: "auditor",
      mentions: /requiere el rol administrativo o admin/,
    },
  },
  {
    route: "POST /api/presupuestos/{id}/decision",
    method: "POST",
    account: "auditor",
    path: (targets) => `/api/presupuestos/${targets.decisionId}/decision`,
    valid: () => ({ decision: "APROBADO" }),
    successStatus: 200,
    malformed: '{"decision": APROBADO}',
    wrongType: {
      body: () => ({ decision: "OBSERVADO", comentario: 42 }),
      field: "comentario",
      mentions: /Comentario: tiene que ser texto/,
    },
    tooLong: {
      // Characters, not bytes, count: 2001 "ñ" are 4002 bytes of UTF-8.
      body: () => ({ decision: "OBSERVADO", comentario: "ñ".repeat(2001) }),
      field: "comentario",
      mentions: /Comentario: máximo 2000 caracteres/,
    },
    wrongRole: {
      account: "administrativo",
      mentions: /requiere el rol auditor_medico/,
    },
  },
  {
    route: "POST /api/presupuestos/{id}/asignacion",
    method: "POST",
    account: "auditor",
    path: (targets) => `/api/presupuestos/${targets.assignmentId}/asignacion`,
    valid: (targets) => ({ auditorId: targets.auditorId }),
    successStatus: 200,
    malformed: "{auditorId: null}",
    wrongType: {
      body: () => ({ auditorId: 42 }),
      field: "auditorId",
      mentions: /auditorId: tiene que ser texto o null/,
    },
    tooLong: {
      body: () => ({ auditorId: "a".repeat(65) }),
      field: "auditorId",
      mentions: /64/,
    },
    wrongRole: {
      account: "administrativo",
      mentions: /requiere el rol auditor_medico o admin/,
    },
  },
  {
    route: "PATCH /api/usuarios/{id}",
    method: "PATCH",
    account: "admin",
    path: (targets) => `/api/usuarios/${targets.auditor2Id}`,
    valid: () => ({ active: false }),
    successStatus: 200,
    malformed: '{"active": fals}',
    wrongType: {
      body: () => ({ active: "no" }),
      field: "active",
      mentions: /active: tiene que ser true o false/,
    },
    tooLong: {
      // The id in the path is the route's only text.
      path: () => `/api/usuarios/${"a".repeat(65)}`,
      body: () => ({ active: false }),
      field: "id",
      mentions: /\bid\b|identificador/i,
    },
    wrongRole: {
      account: "administrativo",
      mentions: /requiere el rol admin; tu rol es administrativo/,
    },
  },
];

function jsonBodyCases(route: JsonRoute): BadInputCase[] {
  const shared = {
    route: route.route,
    method: route.method,
    account: route.account,
    path: route.path,
  };
  return [
    {
      ...shared,
      problem: "malformed JSON",
      headers: jsonType,
      body: () => route.malformed,
      status: 400,
      code: "invalid_json",
      mentions: /no es JSON válido/,
    },
    {
      ...shared,
      problem: "body over 16 KiB",
      headers: jsonType,
      body: (targets) => oversized(route.valid(targets)),
      status: 413,
      code: "payload_too_large",
      mentions: /16 KiB/,
    },
    {
      ...shared,
      problem: "wrong field type",
      body: route.wrongType.body,
      status: 422,
      code: "validation_failed",
      field: route.wrongType.field,
      mentions: route.wrongType.mentions,
    },
    {
      ...shared,
      problem: "text too long",
      path: route.tooLong.path ?? route.path,
      body: route.tooLong.body,
      status: 422,
      code: "validation_failed",
      field: route.tooLong.field,
      mentions: route.tooLong.mentions,
    },
    {
      ...shared,
      problem: "wrong role",
      account: route.wrongRole.account,
      body: route.valid,
      status: 403,
      code: "forbidden",
      mentions: route.wrongRole.mentions,
    },
    {
      ...shared,
      problem: "cross-origin request",
      headers: evilOrigin,
      body: route.valid,
      status: 403,
      code: "forbidden",
      mentions: /Origen no permitido/,
    },
    {
      ...shared,
      problem: "text/plain body",
      headers: { "Content-Type": "text/plain;charset=UTF-8" },
      body: route.valid,
      status: 415,
      code: "unsupported_media_type",
      mentions: /Content-Type: application\/json/,
    },
  ];
}

const markReadPath = (targets: Targets) =>
  `/api/notificaciones/${targets.auditorNotification}/leer`;

const bodilessCases: BadInputCase[] = [
  {
    route: "POST /api/notificaciones/{id}/leer",
    problem: "non-numeric id",
    account: "auditor",
    method: "POST",
    path: () => "/api/notificaciones/abc/leer",
    status: 422,
    code: "validation_failed",
    field: "id",
    mentions: /id de notificación tiene que ser un número/,
  },
  {
    route: "POST /api/notificaciones/{id}/leer",
    problem: "id over 32 bits",
    account: "auditor",
    method: "POST",
    path: () => "/api/notificaciones/99999999999/leer",
    status: 422,
    code: "validation_failed",
    field: "id",
    mentions: /id de notificación es demasiado grande/,
  },
  {
    route: "POST /api/notificaciones/{id}/leer",
    problem: "another user's notification",
    account: "administrativo",
    method: "POST",
    path: markReadPath,
    status: 403,
    code: "forbidden",
    mentions: /pertenece a otro usuario/,
  },
  {
    route: "POST /api/notificaciones/{id}/leer",
    problem: "cross-origin request",
    account: "auditor",
    method: "POST",
    path: markReadPath,
    headers: evilOrigin,
    status: 403,
    code: "forbidden",
    mentions: /Origen no permitido/,
  },
  {
    route: "POST /api/notificaciones/leer-todas",
    problem: "cross-origin request",
    account: "auditor",
    method: "POST",
    path: () => "/api/notificaciones/leer-todas",
    headers: evilOrigin,
    status: 403,
    code: "forbidden",
    mentions: /Origen no permitido/,
  },
];

const badInputCases = [...jsonRoutes.flatMap(jsonBodyCases), ...bodilessCases];

type ValidCase = {
  route: string;
  account: Account;
  method: "POST" | "PATCH";
  path: (targets: Targets) => string;
  body?: (targets: Targets) => unknown;
  status: number;
};

function validCase(route: JsonRoute): ValidCase {
  return {
    route: route.route,
    account: route.account,
    method: route.method,
    path: route.path,
    body: route.valid,
    status: route.successStatus,
  };
}

// In this order: the notification is marked read before leer-todas marks
// the rest, and auditor2 is deactivated last.
const validCases: ValidCase[] = [
  ...jsonRoutes.filter((route) => route.method === "POST").map(validCase),
  {
    route: "POST /api/notificaciones/{id}/leer",
    account: "auditor",
    method: "POST",
    path: markReadPath,
    status: 200,
  },
  {
    route: "POST /api/notificaciones/leer-todas",
    account: "auditor",
    method: "POST",
    path: () => "/api/notificaciones/leer-todas",
    status: 200,
  },
  ...jsonRoutes.filter((route) => route.method === "PATCH").map(validCase),
];

let server: TestServer;
let sessions: Sessions;
let targets: Targets;

async function createPending(): Promise<string> {
  const response = await request<{ id: string }>(
    server.baseUrl,
    "/api/presupuestos",
    { cookie: sessions.administrativo, body: newPresupuesto() },
  );
  if (response.status !== 201) {
    throw new Error(`POST /api/presupuestos failed: HTTP ${response.status}`);
  }
  return response.body.id;
}

async function prepareTargets(): Promise<Targets> {
  const decisionId = await createPending();
  const assignmentId = await createPending();
  const unread = await request<NotificationPage>(
    server.baseUrl,
    "/api/notificaciones?unread=true",
    { cookie: sessions.auditor },
  );
  const notification = unread.body.notifications[0];
  if (!notification) throw new Error("the auditor has no unread notification");
  return {
    decisionId,
    assignmentId,
    auditorId: await sessionUserId(server.baseUrl, sessions.auditor),
    auditor2Id: await sessionUserId(server.baseUrl, sessions.auditor2),
    auditorNotification: notification.id,
  };
}

/** Joins the error message and every field message into one text. */
function errorText(body: ErrorBody): string {
  const fields = Object.values(body.error.fields ?? {}).flat();
  return [body.error.message, ...fields].join("\n");
}

beforeAll(async () => {
  server = await startServer();
  sessions = await signInAll(server.baseUrl);
  targets = await prepareTargets();
});

afterAll(async () => {
  await server?.stop();
});

describe("bad input", () => {
  test.each(badInputCases)("$route: $problem", async (row) => {
    const before = readDatabase(server.dataDir);

    const response = await request<ErrorBody>(
      server.baseUrl,
      row.path(targets),
      {
        method: row.method,
        cookie: sessions[row.account],
        headers: row.headers,
        body: row.body?.(targets),
      },
    );

    expect(response.status).toBe(row.status);
    expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(response.body.error.code).toBe(row.code);
    expect(errorText(response.body)).toMatch(row.mentions);
    if (row.field !== undefined) {
      expect(Object.keys(response.body.error.fields ?? {})).toContain(
        row.field,
      );
    }
    expect(readDatabase(server.dataDir)).toEqual(before);
  });
});

describe("valid input", () => {
  test.each(validCases)("$route changes data", async (row) => {
    const before = readDatabase(server.dataDir);

    const response = await request(server.baseUrl, row.path(targets), {
      method: row.method,
      cookie: sessions[row.account],
      body: row.body?.(targets),
    });

    expect(response.status).toBe(row.status);
    expect(readDatabase(server.dataDir)).not.toEqual(before);
  });
});
