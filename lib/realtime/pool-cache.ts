import type { PoolSnapshot } from "./snapshots";

/** How long a cached pool may serve new streams without any change. */
export const poolMaxAgeMs = 5_000;

/**
 * The last snapshot of the shared pool, so that streams opening while
 * nothing changes reuse it, and the bytes encoded from it, instead of each
 * reading and serializing the same list. Concurrent callers share one
 * read.
 *
 * The hub invalidates it on every `presupuestos` or `resync` message and
 * when its last stream closes (it then stops hearing of changes). A read
 * that was in flight during an invalidation is returned to its callers but
 * not kept, so the cache never serves a state older than the last change
 * it heard of. The age limit bounds how stale it can get if a message is
 * lost.
 */
export class PoolCache {
  #entry: { snapshot: PoolSnapshot; readAt: number } | null = null;
  #reading: Promise<PoolSnapshot> | null = null;
  #generation = 0;

  constructor(
    private readonly read: () => Promise<PoolSnapshot>,
    private readonly now: () => number = Date.now,
  ) {}

  invalidate(): void {
    this.#generation++;
    this.#entry = null;
    this.#reading = null;
  }

  /** Returns the cached snapshot while it is current, or reads a new one. */
  get(): Promise<PoolSnapshot> {
    const entry = this.#entry;
    if (entry && this.now() - entry.readAt < poolMaxAgeMs) {
      return Promise.resolve(entry.snapshot);
    }
    this.#reading ??= this.#readAndKeep();
    return this.#reading;
  }

  async #readAndKeep(): Promise<PoolSnapshot> {
    const generation = this.#generation;
    const readAt = this.now();
    try {
      const snapshot = await this.read();
      if (generation === this.#generation) {
        this.#entry = { snapshot, readAt };
      }
      return snapshot;
    } finally {
      if (generation === this.#generation) this.#reading = null;
    }
  }
}
