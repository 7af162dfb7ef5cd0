import { createLogger } from "../logger";
import type { BusListener, BusMessage, EventBus } from "./types";

/** An in-process bus, for a single instance. */
export class MemoryEventBus implements EventBus {
  readonly #listeners = new Set<BusListener>();
  readonly #log = createLogger("bus.memory");

  async publish(message: BusMessage): Promise<void> {
    // Listeners run after the caller's await, as they would with a remote
    // bus, so a publisher never depends on them having run.
    await Promise.resolve();
    for (const listener of [...this.#listeners]) {
      try {
        listener(message);
      } catch (error) {
        this.#log.error({ err: error, type: message.type }, "listener failed");
      }
    }
  }

  subscribe(listener: BusListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  listenerCount(): number {
    return this.#listeners.size;
  }

  async close(): Promise<void> {
    this.#listeners.clear();
  }
}
