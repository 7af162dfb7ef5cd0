import type { Rol } from "../auth/roles";
import type { Connection } from "./connection";

// When a stream must end for reasons of its own: its session, its account
// or its reader. The hub applies these rules on its one-second sweep and
// on account checks.

/** Messages of the `session` event, by the reason the session ended. */
export const sessionEndMessages = {
  session_expired: "La sesión venció. Iniciá sesión de nuevo.",
  deactivated: "Tu cuenta fue desactivada.",
  role_changed: "Tu rol cambió. Iniciá sesión de nuevo.",
} as const;

export type SweepVerdict = "keep" | "session_expired" | "slow_reader";

/**
 * Decides what the sweep does with a stream at `now` (epoch ms): end an
 * expired session, close a stream whose queue stayed unread for longer
 * than `stallTimeoutMs`, or keep it. Updates the stream's stall clock.
 */
export function sweepVerdict(
  connection: Connection,
  now: number,
  stallTimeoutMs: number,
): SweepVerdict {
  if (connection.expiresAt <= now) return "session_expired";
  if (connection.queuedBytes === 0) {
    connection.queuedSince = null;
    return "keep";
  }
  connection.queuedSince ??= now;
  return now - connection.queuedSince > stallTimeoutMs ? "slow_reader" : "keep";
}

/** Returns why a user's streams must end, or null when they may go on. */
export function accountEndReason(
  streamRol: Rol,
  state: { active: boolean; rol: string } | undefined,
): "deactivated" | "role_changed" | null {
  if (!state || !state.active) return "deactivated";
  return state.rol === streamRol ? null : "role_changed";
}
