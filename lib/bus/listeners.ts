import type { Logger } from "../logger";
import type { BusListener, BusMessage } from "./types";

/** The listeners of one process, shared by the bus implementations. */
export class ListenerSet {
  readonly #listeners = new Set<BusListener>();

  constructor(private readonly log: Logger) {}

  add(listener: BusListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** Calls every listener; one that throws is logged and skipped. */
  deliver(message: BusMessage): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(message);
      } catch (error) {
        this.log.error({ err: error, type: message.type }, "listener failed");
      }
    }
  }

  get size(): number {
    return this.#listeners.size;
  }

  clear(): void {
    this.#listeners.clear();
  }
}
