import "server-only";

import type { SessionUser } from "../auth/session";
import { errorResponse } from "../http/responses";
import { getStreamHub } from "./hub";
import { parseResumeCursor } from "./notification-events";

const streamHeaders = {
  "Content-Type": "text/event-stream; charset=utf-8",
  // no-transform keeps proxies from compressing or rewriting the stream.
  "Cache-Control": "no-cache, no-transform",
  Connection: "keep-alive",
  // nginx buffers responses unless this header turns it off.
  "X-Accel-Buffering": "no",
};

/**
 * Returns the event stream response for `user`, resuming after the
 * request's Last-Event-ID when it is one of this user's. The stream closes
 * when the request is aborted or the client cancels it, whichever happens
 * first.
 */
export async function eventStreamResponse(
  user: SessionUser,
  request: Request,
): Promise<Response> {
  const hub = getStreamHub();
  if (hub.draining) {
    return errorResponse(
      "unavailable",
      503,
      "Esta instancia se está deteniendo. Reintentá en unos segundos.",
      { headers: { "Retry-After": "1" } },
    );
  }
  const resumeCursor = await parseResumeCursor(
    request.headers.get("last-event-id"),
    user.id,
  );
  const connection = hub.open(user, resumeCursor);
  const { signal } = request;
  if (signal.aborted) connection.close("aborted");
  signal.addEventListener("abort", () => connection.close("aborted"), {
    once: true,
  });
  return new Response(connection.stream, {
    headers: streamHeaders,
  });
}
