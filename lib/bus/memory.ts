import { createLogger } from "../logger";
import { ListenerSet } from "./listeners";
import type { BusListener, BusMessage, EventBus } from "./types";

/** An in-process bus, for a single instance. */
export class MemoryEventBus implements EventBus {
  readonly #listeners = new ListenerSet(createLogger("bus.memory"));

  async publish(message: BusMessage): Promise<void> {
    // Listeners run after the caller's await, as they would with a remote
    // bus, so a publisher never depends on them having run.
    await Promise.resolve();
    this.#listeners.deliver(message);
  }

  subscribe(listener: BusListener): () => void {
    return this.#listeners.add(listener);
  }

  listenerCount(): number {
    return this.#listeners.size;
  }

  status(): "ok" {
    return "ok";
  }

  async close(): Promise<void> {
    this.#listeners.clear();
  }
}
