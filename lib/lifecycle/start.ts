import "server-only";

import { EnvError, getEnv } from "../env";
import { createLogger } from "../logger";
import { registerShutdown } from "./shutdown";

/**
 * Validates the environment before the first request, so a bad variable
 * stops the start with its message instead of failing requests later, and
 * installs the shutdown handlers.
 */
export async function startInstance(): Promise<void> {
  try {
    getEnv();
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(`Start failed: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  registerShutdown();
  createLogger("lifecycle").info({ pid: process.pid }, "instance started");
}
