import "server-only";

import { randomUUID } from "node:crypto";

import { AppError } from "../errors";
import { createLogger } from "../logger";
import type { ActionResult } from "./result";

/** Runs a server action body and maps its errors to an ActionResult. */
export async function runAction<T>(
  name: string,
  body: () => Promise<T>,
): Promise<ActionResult<T>> {
  try {
    return { ok: true, data: await body() };
  } catch (error) {
    if (error instanceof AppError) {
      return {
        ok: false,
        error: {
          code: error.code,
          message: error.message,
          fields: error.fields,
        },
      };
    }
    const requestId = randomUUID();
    createLogger("action", { action: name, requestId }).error(
      { err: error },
      "server action failed",
    );
    return {
      ok: false,
      error: {
        code: "internal",
        message: `Error interno. Si persiste, informá este código: ${requestId}.`,
      },
    };
  }
}
