import type { z } from "zod";

import { AppError, type FieldErrors } from "../errors";

/** Largest JSON body a mutation accepts, in bytes. */
export const maxBodyBytes = 16 * 1024;

/**
 * Reads a JSON request body and validates it with `schema`. Throws 415 for
 * another content type, 413 past maxBodyBytes, 400 for malformed JSON and
 * 422 with the failing fields when validation fails.
 */
export async function readJsonBody<Schema extends z.ZodType>(
  request: Request,
  schema: Schema,
): Promise<z.infer<Schema>> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(contentType)) {
    throw new AppError(
      "unsupported_media_type",
      "El cuerpo debe ser JSON: enviá Content-Type: application/json.",
    );
  }
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBodyBytes) throw tooLarge();

  const text = await readLimited(request);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new AppError(
      "invalid_json",
      "El cuerpo no es JSON válido. Revisá comillas, comas y llaves.",
    );
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw validationError(parsed.error);
  return parsed.data;
}

/**
 * Converts zod's issues to a 422 with the messages per field. `root` names
 * the value itself when it is not an object, such as a path's `id`.
 */
export function validationError(error: z.ZodError, root = "_"): AppError {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    // zod reports unknown properties as one issue on the parent object,
    // with their names in `keys`: list each under its own name.
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        (fields[[...issue.path, key].join(".")] ??= []).push(
          "Campo desconocido: quitalo del cuerpo.",
        );
      }
      continue;
    }
    const key = issue.path.length > 0 ? issue.path.join(".") : root;
    (fields[key] ??= []).push(issue.message);
  }
  const names = Object.keys(fields).join(", ");
  return new AppError(
    "validation_failed",
    `Datos inválidos en: ${names}.`,
    fields,
  );
}

/** Reads the body as text, stopping once it passes maxBodyBytes. */
async function readLimited(request: Request): Promise<string> {
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBodyBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

function tooLarge(): AppError {
  return new AppError(
    "payload_too_large",
    `El cuerpo supera el máximo de ${maxBodyBytes / 1024} KiB.`,
  );
}
