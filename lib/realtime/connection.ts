import type { Rol } from "../auth/roles";

export type CloseReason =
  | "client_closed"
  | "aborted"
  | "write_failed"
  | "server_shutdown";

/**
 * One open event stream. Writes after close are dropped instead of
 * throwing, because updates race with disconnects all the time.
 */
export class Connection {
  readonly openedAt = Date.now();
  #controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  #closed = false;
  #onClose: (reason: CloseReason) => void;
  /** Version of the newest snapshot sent, per event name. */
  readonly sentVersions = new Map<string, number>();

  constructor(
    readonly id: string,
    readonly userId: string,
    readonly rol: Rol,
    onClose: (connection: Connection, reason: CloseReason) => void,
  ) {
    this.#onClose = (reason) => onClose(this, reason);
  }

  get closed(): boolean {
    return this.#closed;
  }

  attach(controller: ReadableStreamDefaultController<Uint8Array>): void {
    this.#controller = controller;
  }

  /** Enqueues bytes; returns false when the stream is closed. */
  write(chunk: Uint8Array): boolean {
    if (this.#closed || !this.#controller) return false;
    try {
      this.#controller.enqueue(chunk);
      return true;
    } catch {
      this.close("write_failed");
      return false;
    }
  }

  /**
   * Closes the stream once, from whichever side notices first: the
   * request's abort signal, the stream's cancel(), a failed write or the
   * server. Later calls do nothing.
   */
  close(reason: CloseReason): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#controller?.close();
    } catch {
      // Already closed or errored by the runtime: nothing left to release.
    }
    this.#controller = null;
    this.#onClose(reason);
  }
}
