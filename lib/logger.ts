import pino from "pino";

import { getEnv } from "./env";

const loggerKey = Symbol.for("auditoria.logger");
type LoggerCache = { [loggerKey]?: pino.Logger };

function rootLogger(): pino.Logger {
  const cache = globalThis as LoggerCache;
  cache[loggerKey] ??= pino({
    level: getEnv().LOG_LEVEL,
    base: { service: "auditoria" },
    redact: {
      paths: ["password", "*.password", "secret", "*.secret", "token"],
      censor: "[redacted]",
    },
  });
  return cache[loggerKey];
}

/** Returns a child logger whose lines carry `module` and any extra fields. */
export function createLogger(
  module: string,
  fields: Record<string, unknown> = {},
): pino.Logger {
  return rootLogger().child({ module, ...fields });
}

export type Logger = pino.Logger;
