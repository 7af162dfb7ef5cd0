/** Changes collected since the last flush. */
export type PendingWork = {
  /** Users whose notification state changed. */
  notifications: string[];
  /** Whether the pending presupuestos changed. */
  presupuestos: boolean;
  /** Users whose account must be checked (active flag, role). */
  usersToCheck: string[];
};

/**
 * Collects changes and runs one flush for each burst of them. The first
 * change after a quiet period is flushed at once; later ones within
 * `coalesceMs()` of the last flush are merged into one trailing flush.
 * Flushes run one after another so that their database reads never pile
 * up.
 */
export class UpdateQueue {
  #notifications = new Set<string>();
  #presupuestos = false;
  #usersToCheck = new Set<string>();
  #timer: NodeJS.Timeout | null = null;
  #lastFlushAt = 0;
  #flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly flush: (work: PendingWork) => Promise<void>,
    private readonly coalesceMs: () => number,
    private readonly onError: (error: unknown) => void,
  ) {}

  addNotifications(userIds: Iterable<string>): void {
    for (const userId of userIds) this.#notifications.add(userId);
    this.#schedule();
  }

  addPresupuestos(): void {
    this.#presupuestos = true;
    this.#schedule();
  }

  addUsersToCheck(userIds: Iterable<string>): void {
    for (const userId of userIds) this.#usersToCheck.add(userId);
    this.#schedule();
  }

  /** Drops what is pending, for example when no stream is left. */
  clear(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#notifications.clear();
    this.#usersToCheck.clear();
    this.#presupuestos = false;
  }

  #schedule(): void {
    const pending =
      this.#notifications.size > 0 ||
      this.#presupuestos ||
      this.#usersToCheck.size > 0;
    if (this.#timer || !pending) return;
    const wait = Math.max(
      0,
      this.#lastFlushAt + this.coalesceMs() - Date.now(),
    );
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#lastFlushAt = Date.now();
      const work = this.#take();
      this.#flushing = this.#flushing
        .then(() => this.flush(work))
        .catch(this.onError);
    }, wait);
  }

  #take(): PendingWork {
    const work = {
      notifications: [...this.#notifications],
      presupuestos: this.#presupuestos,
      usersToCheck: [...this.#usersToCheck],
    };
    this.#notifications = new Set();
    this.#usersToCheck = new Set();
    this.#presupuestos = false;
    return work;
  }
}
