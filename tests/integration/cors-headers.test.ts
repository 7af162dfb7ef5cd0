import { afterAll, beforeAll, describe, expect, test } from "vitest";

import {
  newPresupuesto,
  request,
  type ApiResponse,
  type RequestOptions,
} from "../support/api";
import { demoAccounts, demoPassword, signIn } from "../support/auth";
import { openStream } from "../support/sse-client";
import { startServer, type TestServer } from "../support/server";

// Browser-facing safety of one server with ALLOWED_ORIGINS set. CORS
// headers go only to the listed origin and are never the wildcard, and
// preflights and cross-origin mutations follow the same list. Pages carry
// the security headers and a CSP nonce on every script. No password or
// session token appears in a redirect URL or in the server's output,
// which logs at trace level, the most verbose.

const allowedOrigin = "http://allowed.example";
const otherOrigin = "http://evil.example";
const sessionCookieName = "next-auth.session-token";

let server: TestServer;
let administrativo: string;
/** Every Access-Control-Allow-Origin value this file received. */
const allowOriginValues: string[] = [];
/** Every URL the app redirected to, from Location headers and JSON. */
const redirectUrls: string[] = [];

/** Sends a request and records its CORS and redirect headers. */
async function send<Body = unknown>(
  path: string,
  options: RequestOptions = {},
): Promise<ApiResponse<Body>> {
  const response = await request<Body>(server.baseUrl, path, options);
  const allowOrigin = response.headers.get("Access-Control-Allow-Origin");
  if (allowOrigin !== null) allowOriginValues.push(allowOrigin);
  const location = response.headers.get("Location");
  if (location !== null) redirectUrls.push(location);
  return response;
}

function sessionToken(cookie: string): string {
  const pair = cookie
    .split("; ")
    .find((part) => part.startsWith(`${sessionCookieName}=`));
  if (!pair) throw new Error(`no ${sessionCookieName} in ${cookie}`);
  return pair.slice(sessionCookieName.length + 1);
}

/** Returns the Set-Cookie pairs of a response as one Cookie header. */
function cookiesOf(response: ApiResponse, previous = ""): string {
  const pairs = response.headers
    .getSetCookie()
    .map((line) => line.split(";")[0]!);
  return [previous, ...pairs].filter((pair) => pair !== "").join("; ");
}

/**
 * Runs next-auth's credentials sign-in as the login form does and returns
 * the cookies. Without `json` the response is a redirect. With it, next-auth
 * returns the redirect URL in a JSON body, which is recorded too.
 */
async function formSignIn(
  email: string,
  password: string,
  json = false,
): Promise<string> {
  const csrf = await send<{ csrfToken: string }>("/api/auth/csrf");
  const csrfCookie = cookiesOf(csrf);
  const form = new URLSearchParams({
    csrfToken: csrf.body.csrfToken,
    email,
    password,
    callbackUrl: `${server.baseUrl}/auditoria`,
  });
  if (json) form.set("json", "true");
  const response = await send<{ url?: string }>(
    "/api/auth/callback/credentials",
    {
      method: "POST",
      cookie: csrfCookie,
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: form.toString(),
    },
  );
  if (typeof response.body === "object" && response.body.url) {
    redirectUrls.push(response.body.url);
  }
  return cookiesOf(response, csrfCookie);
}

beforeAll(async () => {
  server = await startServer({
    env: { ALLOWED_ORIGINS: allowedOrigin, LOG_LEVEL: "trace" },
  });
  administrativo = await signIn(server.baseUrl, demoAccounts.administrativo);
});

afterAll(async () => {
  await server?.stop();
});

describe("CORS on API routes", () => {
  test("allowed origin is echoed", async () => {
    const response = await send("/api/notificaciones/count", {
      cookie: administrativo,
      headers: { Origin: allowedOrigin },
    });

    expect(response.status).toBe(200);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe(
      allowedOrigin,
    );
    expect(response.headers.get("Access-Control-Allow-Credentials")).toBe(
      "true",
    );
    expect(response.headers.get("Vary")).toMatch(/Origin/);
  });

  test("stream echoes allowed origin", async () => {
    const stream = await openStream(server.baseUrl, administrativo, {
      Origin: allowedOrigin,
    });
    stream.close();
    const allowOrigin = stream.headers.get("Access-Control-Allow-Origin");
    if (allowOrigin !== null) allowOriginValues.push(allowOrigin);

    expect(stream.status).toBe(200);
    expect(allowOrigin).toBe(allowedOrigin);
    expect(stream.headers.get("Access-Control-Allow-Credentials")).toBe("true");
  });

  test("other origin gets no CORS", async () => {
    const response = await send("/api/notificaciones/count", {
      cookie: administrativo,
      headers: { Origin: otherOrigin },
    });

    expect(response.status).toBe(200);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBeNull();
    expect(response.headers.get("Access-Control-Allow-Credentials")).toBeNull();
  });

  test("stream from other origin", async () => {
    const stream = await openStream(server.baseUrl, administrativo, {
      Origin: otherOrigin,
    });
    stream.close();

    expect(stream.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });

  test("errors echo allowed origin", async () => {
    const response = await send("/api/notificaciones/count", {
      headers: { Origin: allowedOrigin },
    });

    expect(response.status).toBe(401);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe(
      allowedOrigin,
    );
  });

  test("preflight from allowed origin", async () => {
    const response = await send("/api/presupuestos", {
      method: "OPTIONS",
      headers: {
        Origin: allowedOrigin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
      },
    });

    expect(response.status).toBe(204);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe(
      allowedOrigin,
    );
    expect(response.headers.get("Access-Control-Allow-Credentials")).toBe(
      "true",
    );
    expect(response.headers.get("Access-Control-Allow-Methods")).toMatch(
      /\bPOST\b/,
    );
    expect(response.headers.get("Access-Control-Allow-Methods")).toMatch(
      /\bPATCH\b/,
    );
    expect(response.headers.get("Access-Control-Allow-Headers")).toMatch(
      /\bContent-Type\b/i,
    );
  });

  test("preflight from other origin", async () => {
    const response = await send("/api/presupuestos", {
      method: "OPTIONS",
      headers: {
        Origin: otherOrigin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
      },
    });

    expect(response.status).toBe(403);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBeNull();
    expect(response.headers.get("Access-Control-Allow-Methods")).toBeNull();
  });

  test("POST from allowed origin", async () => {
    const response = await send("/api/presupuestos", {
      cookie: administrativo,
      headers: { Origin: allowedOrigin },
      body: newPresupuesto(),
    });

    expect(response.status).toBe(201);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe(
      allowedOrigin,
    );
  });

  test("POST from other origin", async () => {
    const response = await send<{ error: { code: string } }>(
      "/api/presupuestos",
      {
        cookie: administrativo,
        headers: { Origin: otherOrigin },
        body: newPresupuesto(),
      },
    );

    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe("forbidden");
    expect(response.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });

  test("no response allows every origin", () => {
    expect(allowOriginValues.length).toBeGreaterThan(0);
    expect(allowOriginValues).not.toContain("*");
  });
});

describe("page security headers", () => {
  let page: ApiResponse<string>;
  let nonce: string | undefined;

  beforeAll(async () => {
    page = await send<string>("/login");
    const csp = page.headers.get("Content-Security-Policy") ?? "";
    nonce = /script-src [^;]*'nonce-([^']+)'/.exec(csp)?.[1];
  });

  test("login has CSP nonce", () => {
    expect(page.status).toBe(200);
    expect(nonce).toMatch(/^[A-Za-z0-9+/=]{16,}$/);
  });

  // NOTE: next-auth 4.24's client module throws "Invalid URL" when
  // NEXTAUTH_URL is empty, as startServer sets it, so the form is then
  // rendered only in the browser.
  test("login form is server-rendered", () => {
    expect(page.body).toContain('name="password"');
  });

  test("login forbids framing", () => {
    expect(page.headers.get("X-Frame-Options")).toBe("DENY");
  });

  test("login forbids MIME sniffing", () => {
    expect(page.headers.get("X-Content-Type-Options")).toBe("nosniff");
  });

  test("every login script has nonce", () => {
    const scripts = page.body.match(/<script\b[^>]*>/g) ?? [];
    const withoutNonce = scripts.filter(
      (tag) => !tag.includes(` nonce="${nonce}"`),
    );

    expect(scripts.length).toBeGreaterThan(0);
    expect(withoutNonce).toEqual([]);
  });

  test("nonce changes per request", async () => {
    const again = await send<string>("/login");
    const csp = again.headers.get("Content-Security-Policy") ?? "";

    expect(csp).toMatch(/'nonce-/);
    expect(csp).not.toContain(`'nonce-${nonce}'`);
  });
});

describe("secrets stay out of URLs and logs", () => {
  let token: string;

  beforeAll(async () => {
    await send("/");
    await send("/auditoria");
    await send("/api/auth/signin?callbackUrl=%2Fauditoria");
    await formSignIn(demoAccounts.auditor, `${demoPassword}-wrong`);
    await formSignIn("nobody@example.com", demoPassword);
    const cookie = await formSignIn(demoAccounts.auditor, demoPassword);
    token = sessionToken(cookie);

    await formSignIn(demoAccounts.auditor, `${demoPassword}-wrong`, true);
    await formSignIn(demoAccounts.auditor2, demoPassword, true);
    await send("/", { cookie });
    await send("/login", { cookie });
    const csrf = await send<{ csrfToken: string }>("/api/auth/csrf", {
      cookie,
    });
    await send("/api/auth/signout", {
      method: "POST",
      cookie: cookiesOf(csrf, cookie),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken: csrf.body.csrfToken }).toString(),
    });
  });

  test("sign-in sets a session token", () => {
    expect(token.length).toBeGreaterThan(40);
  });

  test("redirects were captured", () => {
    expect(redirectUrls.length).toBeGreaterThanOrEqual(6);
  });

  test("no password in redirects", () => {
    const leaking = redirectUrls.filter((url) =>
      decodeURIComponent(url).includes(demoPassword),
    );

    expect(leaking).toEqual([]);
  });

  test("no session token in redirects", () => {
    const leaking = redirectUrls.filter((url) =>
      decodeURIComponent(url).includes(token.slice(0, 40)),
    );

    expect(leaking).toEqual([]);
  });

  test("no password in server output", () => {
    expect(server.output()).not.toContain(demoPassword);
  });

  test("no session token in server output", () => {
    expect(server.output()).not.toContain(token.slice(0, 40));
  });
});
