import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
} from "prom-client";

// Prometheus metrics of this process, served by GET /api/metrics. Kept on
// globalThis so that every Next.js bundle counts into the same registry.

function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    streamsOpen: new Gauge({
      name: "sse_streams_open",
      help: "Event streams open on this instance, by role.",
      labelNames: ["rol"],
      registers: [registry],
    }),
    eventsSent: new Counter({
      name: "sse_events_sent_total",
      help: "Events written to streams, counted once per stream, by event.",
      labelNames: ["event"],
      registers: [registry],
    }),
    snapshotsRead: new Counter({
      name: "sse_snapshots_read_total",
      help: "Snapshot reads from the database, by kind (one per batch of users).",
      labelNames: ["kind"],
      registers: [registry],
    }),
    streamDuration: new Histogram({
      name: "sse_stream_duration_seconds",
      help: "How long event streams stayed open.",
      buckets: [1, 10, 60, 300, 1800, 3600, 4 * 3600, 12 * 3600],
      registers: [registry],
    }),
    publishFailures: new Counter({
      name: "bus_publish_failures_total",
      help: "Bus messages that could not be published to other instances.",
      registers: [registry],
    }),
    busReconnects: new Counter({
      name: "bus_redis_reconnects_total",
      help: "Times the Redis subscriber connection came back after a loss.",
      registers: [registry],
    }),
    busMessagesDropped: new Counter({
      name: "bus_messages_dropped_total",
      help: "Messages received on the bus channel and dropped, by reason.",
      labelNames: ["reason"],
      registers: [registry],
    }),
  };
}

type Metrics = ReturnType<typeof createMetrics>;
const metricsKey = Symbol.for("auditoria.metrics");
type MetricsCache = { [metricsKey]?: Metrics };

export function getMetrics(): Metrics {
  const cache = globalThis as MetricsCache;
  cache[metricsKey] ??= createMetrics();
  return cache[metricsKey];
}
