import { describe, expect, test } from "vitest";

import type { Connection } from "./connection";
import { accountEndReason, sweepVerdict } from "./session-rules";

function stream(fields: Partial<Connection>): Connection {
  return {
    expiresAt: 10_000,
    queuedBytes: 0,
    queuedSince: null,
    ...fields,
  } as Connection;
}

describe("sweepVerdict", () => {
  test("ends an expired session", () => {
    expect(sweepVerdict(stream({ expiresAt: 500 }), 1_000, 60_000)).toBe(
      "session_expired",
    );
  });

  test("keeps a drained stream", () => {
    const connection = stream({ queuedSince: 100 });
    expect(sweepVerdict(connection, 1_000, 60_000)).toBe("keep");
    expect(connection.queuedSince).toBeNull();
  });

  test("starts the stall clock", () => {
    const connection = stream({ queuedBytes: 10 });
    expect(sweepVerdict(connection, 1_000, 60_000)).toBe("keep");
    expect(connection.queuedSince).toBe(1_000);
  });

  test("closes a stalled reader", () => {
    const connection = stream({ queuedBytes: 10, queuedSince: 1_000 });
    expect(sweepVerdict(connection, 5_001, 4_000)).toBe("slow_reader");
  });
});

describe("accountEndReason", () => {
  test.each([
    ["missing user", undefined, "deactivated"],
    ["inactive user", { active: false, rol: "auditor_medico" }, "deactivated"],
    ["changed role", { active: true, rol: "administrativo" }, "role_changed"],
    ["unchanged user", { active: true, rol: "auditor_medico" }, null],
  ] as const)("%s", (_label, state, expected) => {
    expect(accountEndReason("auditor_medico", state)).toBe(expected);
  });
});
