import type { Rol } from "../auth/roles";

export type CloseReason =
  | "client_closed"
  | "aborted"
  | "write_failed"
  | "server_shutdown"
  | "slow_reader"
  | "stream_limit"
  | "session_expired"
  | "deactivated"
  | "role_changed";

/**
 * One open event stream. Writes after close are dropped instead of
 * throwing, because updates race with disconnects all the time.
 *
 * The stream's queue is bounded by `maxBufferBytes`: Next.js pulls from it
 * only as fast as the socket drains, so a client that stops reading makes
 * it grow, and a write that finds it past the bound closes the stream.
 * NOTE: the kernel's socket buffers (up to net.ipv4.tcp_wmem, a few MiB)
 * fill before this queue does, and a route handler cannot see them. A
 * client that stops reading while traffic is light is therefore cut off
 * only after those buffers are full.
 */
export class Connection {
  readonly openedAt = Date.now();
  /** Versions of the newest `notifications` and `presupuestos` sent. */
  sentCountVersion = 0;
  sentPresupuestosVersion = 0;
  /** Highest notification id this stream has accounted for. */
  cursor = 0;
  /**
   * Whether notifications newer than `cursor` are sent to this stream as
   * events. A resumed stream replays from its Last-Event-ID. A new one
   * starts once its first snapshot set the cursor, so that a change read
   * before that snapshot does not replay the user's whole history.
   */
  replays = false;
  /** When bytes first sat unread in the queue, for the stall check. */
  queuedSince: number | null = null;
  readonly stream: ReadableStream<Uint8Array>;
  #controller: ReadableStreamDefaultController<Uint8Array> | null = null;
  #closed = false;
  #batch: Uint8Array[] = [];
  #batchDepth = 0;

  constructor(
    readonly id: string,
    readonly userId: string,
    readonly rol: Rol,
    /** When the session behind the stream expires, in epoch ms. */
    readonly expiresAt: number,
    private readonly maxBufferBytes: number,
    private readonly onClose: (
      connection: Connection,
      reason: CloseReason,
    ) => void,
  ) {
    this.stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.#controller = controller;
        },
        cancel: () => this.close("client_closed"),
      },
      { highWaterMark: maxBufferBytes, size: (chunk) => chunk.byteLength },
    );
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Bytes waiting in the queue for the client to read. */
  get queuedBytes(): number {
    const desired = this.#controller?.desiredSize ?? this.maxBufferBytes;
    return this.maxBufferBytes - (desired ?? 0);
  }

  /**
   * Collects writes until the matching endBatch(), which sends them as one
   * chunk: each chunk costs a round of promises in Next.js's pipeline, and
   * a change usually brings several events. Copying a shared pending list
   * into each stream's chunk measured cheaper than sending it as a chunk
   * of its own (docs/benchmarks.md). Batches nest.
   */
  beginBatch(): void {
    this.#batchDepth++;
  }

  endBatch(): void {
    if (this.#batchDepth === 0 || --this.#batchDepth > 0) return;
    const batch = this.#batch;
    if (batch.length === 0) return;
    this.#batch = [];
    this.write(batch.length === 1 ? batch[0]! : Buffer.concat(batch));
  }

  /** Enqueues bytes; returns false when the stream is closed. */
  write(chunk: Uint8Array): boolean {
    if (this.#closed || !this.#controller) return false;
    if (this.#batchDepth > 0) {
      this.#batch.push(chunk);
      return true;
    }
    try {
      this.#controller.enqueue(chunk);
    } catch {
      this.close("write_failed");
      return false;
    }
    // The bound applies to what was queued before this write, so that one
    // event larger than the buffer (a long pending list) does not cut off a
    // client that is reading.
    if (this.queuedBytes - chunk.byteLength > this.maxBufferBytes) {
      this.close("slow_reader");
      return false;
    }
    return true;
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
      // A stalled stream's queue is discarded to free its memory; any other
      // close lets the client read what is queued, such as a final event.
      if (reason === "slow_reader" || reason === "write_failed") {
        this.#controller?.error(new Error(`stream closed: ${reason}`));
      } else {
        // A final event written inside a batch is still sent.
        if (this.#batch.length > 0) {
          this.#controller?.enqueue(Buffer.concat(this.#batch));
        }
        this.#controller?.close();
      }
    } catch {
      // Already closed or errored by the runtime: nothing left to release.
    }
    this.#controller = null;
    this.#batch = [];
    this.onClose(this, reason);
  }
}
