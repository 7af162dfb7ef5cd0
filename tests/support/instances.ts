import { randomBytes } from "node:crypto";

import { startServer, type TestServer } from "./server";

// Starts test servers on PostgreSQL, optionally with the Redis bus, the
// way several production instances run: one DATABASE_URL and one
// NEXTAUTH_SECRET shared by all of them.

/** Returns a random 64-character session secret (production needs 32). */
export function newSessionSecret(): string {
  return randomBytes(32).toString("hex");
}

/** A METRICS_TOKEN above the 16-character minimum of lib/env.ts. */
export const metricsToken = "test-metrics-token-0123456789";

export type InstanceOptions = {
  databaseUrl: string;
  secret: string;
  /** Redis bus URL. Without it, the instance uses the in-process bus. */
  redisUrl?: string;
  redisChannel?: string;
  /** Whether to migrate and seed first: true for the first instance only. */
  prepareDatabase: boolean;
  /** Extra environment, for example SHUTDOWN_TIMEOUT_MS. */
  env?: Record<string, string>;
};

export function startInstance(options: InstanceOptions): Promise<TestServer> {
  const env: Record<string, string> = {
    DATABASE_URL: options.databaseUrl,
    NEXTAUTH_SECRET: options.secret,
    METRICS_TOKEN: metricsToken,
    REDIS_URL: options.redisUrl ?? "",
    ...options.env,
  };
  if (options.redisChannel !== undefined) {
    env.REDIS_CHANNEL = options.redisChannel;
  }
  return startServer({ env, prepareDatabase: options.prepareDatabase });
}
