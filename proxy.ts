import { type NextRequest, NextResponse } from "next/server";

import { getEnv } from "@/lib/env";
import { buildCsp } from "@/lib/security/csp";
import { isAllowedOrigin, preflightHeaders } from "@/lib/security/cors";

/**
 * Gives every page a fresh CSP nonce and responds to CORS preflights for the
 * API. Authorization is not done here: route handlers and pages check the
 * session themselves.
 */
export function proxy(request: NextRequest): NextResponse {
  const { pathname } = request.nextUrl;
  if (pathname.startsWith("/api/")) {
    if (request.method !== "OPTIONS") return NextResponse.next();
    const origin = request.headers.get("origin");
    if (!isAllowedOrigin(origin))
      return new NextResponse(null, { status: 403 });
    return new NextResponse(null, {
      status: 204,
      headers: preflightHeaders(origin),
    });
  }

  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const csp = buildCsp(nonce, getEnv().NODE_ENV === "development");
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("Content-Security-Policy", csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("Content-Security-Policy", csp);
  return response;
}

export const config = {
  matcher: [
    "/((?!api/|_next/static|_next/image|favicon.ico).*)",
    // API routes need the proxy only for CORS preflights, which always
    // carry this header, so that other API requests (each stream open
    // among them) do not pay for a proxy run.
    {
      source: "/api/:path*",
      has: [{ type: "header", key: "access-control-request-method" }],
    },
  ],
};
