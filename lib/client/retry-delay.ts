// How long the event stream client waits before reconnecting.

export const firstRetryMs = 1_000;
export const maxRetryMs = 30_000;
/** Minimum wait after a 403, because retrying soon does not give the user access. */
export const forbiddenRetryMs = 20_000;

export type RetryInput = {
  /** Failed attempts in a row; 0 when the last stream opened and then ended. */
  failures: number;
  /** HTTP status of the last failed attempt, if it got a response. */
  status?: number;
  /** The server's `retry:` hint, in milliseconds. */
  serverRetryMs?: number;
  /** A number in [0, 1), for the jitter. */
  random: number;
};

/**
 * Returns the delay before the next attempt, in milliseconds: the server's
 * hint after a stream that ended normally, else exponential backoff from
 * 1 s up to 30 s, and at least 20 s after a 403. The result is jittered to
 * between half and all of that, so that clients do not reconnect in step.
 * After a 403 that keeps clients to at most three attempts a minute.
 */
export function retryDelay(input: RetryInput): number {
  let base =
    input.failures === 0
      ? (input.serverRetryMs ?? firstRetryMs)
      : Math.min(maxRetryMs, firstRetryMs * 2 ** input.failures);
  if (input.status === 403) base = Math.max(base, forbiddenRetryMs * 2);
  return base / 2 + input.random * (base / 2);
}
