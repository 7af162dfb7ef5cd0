import { randomBytes } from "node:crypto";
import {
  linkSync,
  mkdirSync,
  readFileSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { z } from "zod";

// The one module that reads process.env. Everything else calls getEnv().

const emptyAsUndefined = (value: unknown) => (value === "" ? undefined : value);

const positiveInt = (fallback: number) =>
  z.preprocess(
    emptyAsUndefined,
    z.coerce.number().int().positive().default(fallback),
  );

const optionalText = z.preprocess(emptyAsUndefined, z.string().optional());

const schema = z.object({
  NODE_ENV: z
    .enum(["development", "production", "test"])
    .default("development"),
  DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default("data")),
  DATABASE_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(
        /^(file:|postgres(ql)?:\/\/)/,
        "must start with file: (SQLite) or postgresql:// (PostgreSQL)",
      )
      .optional(),
  ),
  NEXTAUTH_SECRET: z.preprocess(
    emptyAsUndefined,
    z.string().min(32, "must be at least 32 characters").optional(),
  ),
  REDIS_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^rediss?:\/\//, "must start with redis:// or rediss://")
      .optional(),
  ),
  REDIS_CHANNEL: z.preprocess(
    emptyAsUndefined,
    z.string().min(1).max(200).default("auditoria:events"),
  ),
  METRICS_TOKEN: z.preprocess(
    emptyAsUndefined,
    z.string().min(16, "must be at least 16 characters").optional(),
  ),
  SHUTDOWN_TIMEOUT_MS: positiveInt(10_000),
  ALLOWED_ORIGINS: z.preprocess(
    (value) =>
      typeof value === "string" && value.trim() !== ""
        ? value.split(",").map((origin) => origin.trim())
        : [],
    z.array(
      z
        .string()
        .regex(
          /^https?:\/\/[^/\s*]+$/,
          "must list origins such as https://app.example.com, comma-separated, without * or paths",
        ),
    ),
  ),
  NEXT_MANUAL_SIG_HANDLE: optionalText,
  NEXTAUTH_URL: optionalText,
  HOST: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^\S+$/, "must be a host name or IP address, such as 127.0.0.1")
      .optional(),
  ),
  PORT: z.preprocess(
    emptyAsUndefined,
    z.coerce
      .number()
      .int()
      .min(1, "must be a TCP port from 1 to 65535")
      .max(65_535, "must be a TCP port from 1 to 65535")
      .default(3000),
  ),
  LOG_LEVEL: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
    .default("info"),
  SSE_HEARTBEAT_MS: positiveInt(30_000),
  SSE_RETRY_MS: positiveInt(3_000),
  SSE_COALESCE_MS: positiveInt(100),
  SSE_MAX_STREAMS: positiveInt(20_000),
  SSE_MAX_STREAMS_PER_USER: positiveInt(10),
  SSE_MAX_BUFFER_BYTES: positiveInt(1024 * 1024),
  SSE_STALL_TIMEOUT_MS: positiveInt(60_000),
  SSE_SESSION_CHECK_MS: positiveInt(15_000),
  PENDIENTES_LIMIT: positiveInt(200),
  SESSION_MAX_AGE_S: positiveInt(8 * 60 * 60),
});

type RawEnv = z.infer<typeof schema>;

export type Env = Omit<RawEnv, "DATABASE_URL" | "NEXTAUTH_SECRET"> & {
  DATABASE_URL: string;
  NEXTAUTH_SECRET: string;
  /** True when no DATABASE_URL was given: SQLite in DATA_DIR, demo data. */
  embedded: boolean;
};

export class EnvError extends Error {
  override name = "EnvError";
}

const cacheKey = Symbol.for("auditoria.env");
type EnvCache = { [cacheKey]?: Env };

/** Parses and caches the environment; throws EnvError naming each bad variable. */
export function getEnv(): Env {
  const cache = globalThis as EnvCache;
  cache[cacheKey] ??= loadEnv(process.env);
  return cache[cacheKey];
}

export function loadEnv(source: Record<string, string | undefined>): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.join(".")}: ${issue.message}`,
    );
    throw new EnvError(`Invalid environment: ${problems.join("; ")}`);
  }
  const raw = parsed.data;
  const dataDir = path.resolve(raw.DATA_DIR);
  const embedded = raw.DATABASE_URL === undefined;
  const databaseUrl =
    raw.DATABASE_URL ?? `file:${path.join(dataDir, "app.db")}`;

  let secret = raw.NEXTAUTH_SECRET;
  if (secret === undefined) {
    if (!embedded) {
      throw new EnvError(
        "NEXTAUTH_SECRET is missing. Set it to a random string of at " +
          "least 32 characters (for example `openssl rand -base64 32`); " +
          "every instance must share the same value.",
      );
    }
    secret = readOrCreateSecret(path.join(dataDir, "nextauth-secret"));
  }

  // next-auth 4 reads NEXTAUTH_URL itself and fails on an empty one
  // (new URL("")), so an empty value is removed rather than passed on.
  if (source.NEXTAUTH_URL === "") delete source.NEXTAUTH_URL;
  if (raw.NEXTAUTH_URL === undefined) {
    // next-auth 4 reads this variable itself. Without NEXTAUTH_URL it
    // builds its redirect URLs on http://localhost:3000, whatever the port
    // or host. Trusting the Host header builds them on the address in use.
    // Behind a proxy, set NEXTAUTH_URL to the public address instead.
    source.AUTH_TRUST_HOST ??= "true";
  }

  return {
    ...raw,
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    NEXTAUTH_SECRET: secret,
    embedded,
  };
}

/**
 * Reads the embedded default's session secret, creating it on first use so
 * that sessions survive restarts. The secret is written to a temporary file
 * and then hard-linked into place, so that two processes starting together
 * agree on one complete secret.
 */
function readOrCreateSecret(file: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, randomBytes(32).toString("base64url"), {
    mode: 0o600,
  });
  try {
    linkSync(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    unlinkSync(temporary);
  }
  const secret = readFileSync(file, "utf8").trim();
  if (secret.length < 32) {
    throw new EnvError(
      `The session secret in ${file} is shorter than 32 characters. ` +
        "Delete the file to have a new one generated.",
    );
  }
  return secret;
}
