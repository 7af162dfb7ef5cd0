import "server-only";

import type { SessionUser } from "../auth/session";
import { getStreamHub } from "./hub";

const streamHeaders = {
  "Content-Type": "text/event-stream; charset=utf-8",
  // no-transform keeps proxies from compressing or rewriting the stream.
  "Cache-Control": "no-cache, no-transform",
  Connection: "keep-alive",
  // nginx buffers responses unless told otherwise.
  "X-Accel-Buffering": "no",
};

/**
 * Returns the event stream response for `user`. The stream closes when the
 * request is aborted or the client cancels it, whichever happens first.
 */
export function eventStreamResponse(
  user: SessionUser,
  signal: AbortSignal,
): Response {
  const { connection, stream } = getStreamHub().open(user);
  if (signal.aborted) connection.close("aborted");
  signal.addEventListener("abort", () => connection.close("aborted"), {
    once: true,
  });
  return new Response(stream, { headers: streamHeaders });
}
