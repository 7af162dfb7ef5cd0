// Messages on the event bus. They name what changed, not the new state:
// each process reads the new state from the database, which stays the one
// source of truth, so a message that arrives late or twice does no harm.

export type BusMessage =
  /** Unread counts changed for these users. */
  | { type: "notifications"; userIds: string[] }
  /** The pending presupuestos changed (created, assigned or decided). */
  | { type: "presupuestos" }
  /** These users' accounts changed (role or active flag). */
  | { type: "users"; userIds: string[] }
  /**
   * Messages may have been lost (the bus reconnected after an outage):
   * every stream needs fresh snapshots.
   */
  | { type: "resync" };

export type BusListener = (message: BusMessage) => void;

export interface EventBus {
  /** Delivers `message` to every subscriber in every process. */
  publish(message: BusMessage): Promise<void>;
  /** Adds a listener; the returned function removes it. */
  subscribe(listener: BusListener): () => void;
  /** Number of listeners in this process. */
  listenerCount(): number;
  /** Connection state, for the health check. */
  status(): "ok" | "disconnected";
  close(): Promise<void>;
}
