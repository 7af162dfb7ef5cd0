import pino from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { MemoryEventBus } from "./memory";
import type { BusMessage } from "./types";

// lib/logger.ts reuses a root logger cached on globalThis. Putting one there
// that writes to an array lets the tests read what the bus logs, and keeps
// the logger from reading the environment.
const loggerKey = Symbol.for("auditoria.logger");
type LoggerCache = { [loggerKey]?: pino.Logger };
const logLines: Array<Record<string, unknown>> = [];

beforeAll(() => {
  const destination = {
    write: (line: string) => {
      logLines.push(JSON.parse(line) as Record<string, unknown>);
    },
  };
  (globalThis as LoggerCache)[loggerKey] = pino(
    { level: "trace" },
    destination,
  );
});

afterAll(() => {
  delete (globalThis as LoggerCache)[loggerKey];
});

beforeEach(() => {
  logLines.length = 0;
});

const presupuestos: BusMessage = { type: "presupuestos" };
const notifications: BusMessage = { type: "notifications", userIds: ["u1"] };

describe("MemoryEventBus publish", () => {
  it("delivers to every subscriber", async () => {
    const bus = new MemoryEventBus();
    const first: BusMessage[] = [];
    const second: BusMessage[] = [];
    bus.subscribe((message) => first.push(message));
    bus.subscribe((message) => second.push(message));
    await bus.publish(notifications);
    expect(first).toEqual([notifications]);
    expect(second).toEqual([notifications]);
  });

  it("delivers after the caller continues", async () => {
    const bus = new MemoryEventBus();
    const received: BusMessage[] = [];
    bus.subscribe((message) => received.push(message));
    const published = bus.publish(presupuestos);
    expect(received).toEqual([]);
    await published;
    expect(received).toEqual([presupuestos]);
  });

  it("delivers messages in order", async () => {
    const bus = new MemoryEventBus();
    const received: BusMessage[] = [];
    bus.subscribe((message) => received.push(message));
    await Promise.all([bus.publish(presupuestos), bus.publish(notifications)]);
    expect(received).toEqual([presupuestos, notifications]);
  });

  it("resolves without subscribers", async () => {
    const bus = new MemoryEventBus();
    await expect(bus.publish(presupuestos)).resolves.toBeUndefined();
  });
});

describe("MemoryEventBus subscribe", () => {
  it("stops delivery after unsubscribe", async () => {
    const bus = new MemoryEventBus();
    const received: BusMessage[] = [];
    const unsubscribe = bus.subscribe((message) => received.push(message));
    await bus.publish(presupuestos);
    unsubscribe();
    await bus.publish(notifications);
    expect(received).toEqual([presupuestos]);
  });

  it("unsubscribes only that listener", async () => {
    const bus = new MemoryEventBus();
    const remaining: BusMessage[] = [];
    bus.subscribe((message) => remaining.push(message));
    const unsubscribe = bus.subscribe(() => {});
    unsubscribe();
    await bus.publish(presupuestos);
    expect(remaining).toEqual([presupuestos]);
  });

  it("tolerates a repeated unsubscribe", () => {
    const bus = new MemoryEventBus();
    const unsubscribe = bus.subscribe(() => {});
    bus.subscribe(() => {});
    unsubscribe();
    unsubscribe();
    expect(bus.listenerCount()).toBe(1);
  });

  it("skips a listener added during delivery", async () => {
    const bus = new MemoryEventBus();
    const late: BusMessage[] = [];
    bus.subscribe(() => {
      bus.subscribe((message) => late.push(message));
    });
    await bus.publish(presupuestos);
    expect(late).toEqual([]);
  });
});

describe("MemoryEventBus listenerCount", () => {
  it("counts subscriptions", () => {
    const bus = new MemoryEventBus();
    expect(bus.listenerCount()).toBe(0);
    const unsubscribe = bus.subscribe(() => {});
    bus.subscribe(() => {});
    expect(bus.listenerCount()).toBe(2);
    unsubscribe();
    expect(bus.listenerCount()).toBe(1);
  });

  it("reports status ok", () => {
    expect(new MemoryEventBus().status()).toBe("ok");
  });

  it("drops every listener on close", async () => {
    const bus = new MemoryEventBus();
    const received: BusMessage[] = [];
    bus.subscribe((message) => received.push(message));
    await bus.close();
    await bus.publish(presupuestos);
    expect(bus.listenerCount()).toBe(0);
    expect(received).toEqual([]);
  });
});

describe("MemoryEventBus failing listener", () => {
  it("still delivers to the others", async () => {
    const bus = new MemoryEventBus();
    const before: BusMessage[] = [];
    const after: BusMessage[] = [];
    bus.subscribe((message) => before.push(message));
    bus.subscribe(() => {
      throw new Error("listener broke");
    });
    bus.subscribe((message) => after.push(message));
    await bus.publish(presupuestos);
    expect(before).toEqual([presupuestos]);
    expect(after).toEqual([presupuestos]);
  });

  it("resolves the publish", async () => {
    const bus = new MemoryEventBus();
    bus.subscribe(() => {
      throw new Error("listener broke");
    });
    await expect(bus.publish(presupuestos)).resolves.toBeUndefined();
  });

  it("logs the error", async () => {
    const bus = new MemoryEventBus();
    bus.subscribe(() => {
      throw new Error("listener broke");
    });
    await bus.publish(notifications);
    expect(logLines).toHaveLength(1);
    expect(logLines[0]).toMatchObject({
      level: 50,
      module: "bus.memory",
      type: "notifications",
      msg: "listener failed",
      err: { message: "listener broke" },
    });
  });
});
