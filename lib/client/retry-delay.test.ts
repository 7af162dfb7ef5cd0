import { describe, expect, test } from "vitest";

import { retryDelay } from "./retry-delay";

/** Attempts that fit in one minute for a client that keeps failing. */
function attemptsPerMinute(status: number | undefined, random: number): number {
  let elapsed = 0;
  let attempts = 0;
  for (let failures = 1; elapsed < 60_000 && attempts < 1_000; failures++) {
    elapsed += retryDelay({ failures, status, random });
    if (elapsed < 60_000) attempts++;
  }
  return attempts;
}

describe("retryDelay", () => {
  test("follows server hint after clean end", () => {
    expect(
      retryDelay({ failures: 0, serverRetryMs: 3_000, random: 0.999 }),
    ).toBeCloseTo(3_000, -1);
  });

  test("jitters down to half", () => {
    expect(retryDelay({ failures: 0, serverRetryMs: 3_000, random: 0 })).toBe(
      1_500,
    );
  });

  test("backs off exponentially", () => {
    expect(retryDelay({ failures: 1, random: 0 })).toBe(1_000);
    expect(retryDelay({ failures: 3, random: 0 })).toBe(4_000);
  });

  test("caps backoff at 30 s", () => {
    expect(retryDelay({ failures: 20, random: 0.999 })).toBeLessThanOrEqual(
      30_000,
    );
  });

  test.each([0, 0.5, 0.999])(
    "403 allows three attempts a minute (jitter %s)",
    (random) => {
      expect(attemptsPerMinute(403, random)).toBeLessThanOrEqual(3);
    },
  );

  test("network errors stay below ten a minute", () => {
    expect(attemptsPerMinute(undefined, 0)).toBeLessThanOrEqual(10);
  });
});
