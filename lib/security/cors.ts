import { getEnv } from "../env";

/**
 * Returns whether `origin` may make credentialed requests: only origins
 * listed in ALLOWED_ORIGINS. The wildcard is never used, because browsers
 * reject it together with cookies.
 */
export function isAllowedOrigin(origin: string | null): origin is string {
  return origin !== null && getEnv().ALLOWED_ORIGINS.includes(origin);
}

/** CORS response headers for an allowed cross-origin request, else none. */
export function corsHeaders(origin: string | null): Record<string, string> {
  if (!isAllowedOrigin(origin)) return {};
  return {
    "Access-Control-Allow-Origin": origin,
    "Access-Control-Allow-Credentials": "true",
    Vary: "Origin",
  };
}

/** Response headers for a CORS preflight from an allowed origin. */
export function preflightHeaders(origin: string): Record<string, string> {
  return {
    ...corsHeaders(origin),
    "Access-Control-Allow-Methods": "GET, POST, PATCH, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type, Last-Event-ID, X-Request-Id",
    "Access-Control-Max-Age": "600",
  };
}
