import "server-only";

import { getBus } from "../bus";
import type { BusMessage } from "../bus/types";
import { createLogger } from "../logger";

const log = createLogger("publish");

/**
 * Publishes after a committed change. A failure is logged, not thrown: the
 * change is already in the database, which is the source of truth, and
 * streams read it again on their next snapshot.
 */
export async function publishAfterCommit(
  ...messages: BusMessage[]
): Promise<void> {
  for (const message of messages) {
    try {
      await getBus().publish(message);
    } catch (error) {
      log.error({ err: error, type: message.type }, "publish failed");
    }
  }
}
