import { randomUUID } from "node:crypto";

import { Redis } from "ioredis";

import { createLogger } from "../logger";
import { getMetrics } from "../metrics";
import { ListenerSet } from "./listeners";
import { type Envelope, envelopeSchema } from "./schema";
import type { BusListener, BusMessage, EventBus } from "./types";

const log = createLogger("bus.redis");

/** Messages larger than this are dropped unread, in bytes. */
const maxMessageBytes = 256 * 1024;

/**
 * A bus over Redis pub/sub for several instances. Each process uses two
 * connections whatever its number of streams: one to publish and one
 * subscribed to the channel, which fans out to this process's listeners.
 *
 * A message is delivered to local listeners directly and published for the
 * other instances. A process skips its own messages when they come back
 * from Redis, so every listener gets each message exactly once. When Redis
 * is unreachable, local delivery still works and publishing fails fast
 * (no offline queue), so a mutation never waits on Redis. Messages
 * published during an outage are lost, so after every reconnection of the
 * subscriber, and after the publisher recovers from a failure, listeners
 * get a `resync` message and streams send fresh snapshots.
 */
export class RedisEventBus implements EventBus {
  readonly #origin = randomUUID();
  readonly #listeners = new ListenerSet(log);
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  #subscriberReadyBefore = false;
  #publishFailedSinceReady = false;

  constructor(
    url: string,
    private readonly channel: string,
  ) {
    const options = {
      // Retry forever, backing off to one attempt every 5 s.
      retryStrategy: (attempt: number) => Math.min(attempt * 200, 5_000),
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      connectionName: `auditoria-${this.#origin.slice(0, 8)}`,
    };
    this.#publisher = new Redis(url, options);
    this.#subscriber = new Redis(url, {
      ...options,
      // The subscriber must queue its SUBSCRIBE until connected.
      enableOfflineQueue: true,
      maxRetriesPerRequest: null,
    });
    this.#watch(this.#publisher, "publisher");
    this.#watch(this.#subscriber, "subscriber");
    this.#subscriber.on("ready", () => this.#onSubscriberReady());
    this.#publisher.on("ready", () => this.#onPublisherReady());
    this.#subscriber.on("messageBuffer", (_channel: Buffer, data: Buffer) =>
      this.#onRaw(data),
    );
    this.#subscriber.subscribe(channel).catch((error: unknown) => {
      log.error(
        { err: error, channel },
        "subscribe failed; will retry on reconnect",
      );
    });
  }

  async publish(message: BusMessage): Promise<void> {
    this.#listeners.deliver(message);
    const envelope: Envelope = { origin: this.#origin, message };
    try {
      await this.#publisher.publish(this.channel, JSON.stringify(envelope));
    } catch (error) {
      this.#publishFailedSinceReady = true;
      getMetrics().publishFailures.inc();
      throw error;
    }
  }

  subscribe(listener: BusListener): () => void {
    return this.#listeners.add(listener);
  }

  listenerCount(): number {
    return this.#listeners.size;
  }

  status(): "ok" | "disconnected" {
    // "connecting" counts as disconnected: the bus cannot deliver yet.
    return this.#publisher.status === "ready" &&
      this.#subscriber.status === "ready"
      ? "ok"
      : "disconnected";
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    // quit() waits behind the offline queue, which never drains while
    // Redis is unreachable, so only a ready connection quits politely.
    const release = (connection: Redis) =>
      connection.status === "ready"
        ? connection.quit().catch(() => connection.disconnect())
        : connection.disconnect();
    await Promise.allSettled([
      release(this.#publisher),
      release(this.#subscriber),
    ]);
  }

  #watch(connection: Redis, role: string): void {
    // ioredis emits "error" on every failed attempt; log each state change
    // once instead.
    let lastError = "";
    connection.on("error", (error: Error) => {
      if (error.message === lastError) return;
      lastError = error.message;
      log.warn({ role, err: error }, "redis connection error");
    });
    connection.on("ready", () => {
      lastError = "";
      log.info({ role }, "redis connection ready");
    });
    connection.on("close", () => log.warn({ role }, "redis connection closed"));
  }

  #onSubscriberReady(): void {
    if (this.#subscriberReadyBefore) {
      getMetrics().busReconnects.inc();
      log.info("subscriber reconnected; resynchronizing streams");
      this.#listeners.deliver({ type: "resync" });
    }
    this.#subscriberReadyBefore = true;
  }

  #onPublisherReady(): void {
    if (!this.#publishFailedSinceReady) return;
    this.#publishFailedSinceReady = false;
    // Other instances missed what this one failed to publish.
    const envelope: Envelope = {
      origin: this.#origin,
      message: { type: "resync" },
    };
    this.#publisher
      .publish(this.channel, JSON.stringify(envelope))
      .catch((error: unknown) => {
        this.#publishFailedSinceReady = true;
        log.warn({ err: error }, "resync publish failed");
      });
  }

  #onRaw(data: Buffer): void {
    const dropped = getMetrics().busMessagesDropped;
    if (data.byteLength > maxMessageBytes) {
      dropped.inc({ reason: "too_large" });
      log.warn({ bytes: data.byteLength }, "dropped oversized bus message");
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(data.toString("utf8"));
    } catch {
      dropped.inc({ reason: "invalid_json" });
      log.warn(
        { bytes: data.byteLength },
        "dropped bus message that is not JSON",
      );
      return;
    }
    const envelope = envelopeSchema.safeParse(parsed);
    if (!envelope.success) {
      dropped.inc({ reason: "invalid_shape" });
      log.warn(
        { issues: envelope.error.issues.slice(0, 3) },
        "dropped bus message of unknown shape",
      );
      return;
    }
    if (envelope.data.origin === this.#origin) return;
    this.#listeners.deliver(envelope.data.message);
  }
}
