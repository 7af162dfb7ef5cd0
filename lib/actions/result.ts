import type { ErrorCode, FieldErrors } from "../errors";

/**
 * Result of a server action. Actions return errors instead of throwing,
 * because Next.js replaces a thrown error's message in production builds
 * and the form could then not say what was wrong.
 */
export type ActionResult<T> =
  | { ok: true; data: T }
  | {
      ok: false;
      error: { code: ErrorCode; message: string; fields?: FieldErrors };
    };
