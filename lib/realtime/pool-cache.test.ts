import { describe, expect, test } from "vitest";

import { PoolCache, poolMaxAgeMs } from "./pool-cache";
import type { PoolSnapshot } from "./snapshots";

/**
 * Creates a cache over a pool source whose reads finish only when the test
 * calls `finish`, and over a clock that only `advance` moves.
 */
function setup() {
  const reads: Array<(snapshot: PoolSnapshot) => void> = [];
  const failures: Array<(error: Error) => void> = [];
  let now = 1_000;
  const cache = new PoolCache(
    () =>
      new Promise<PoolSnapshot>((resolve, reject) => {
        reads.push(resolve);
        failures.push(reject);
      }),
    () => now,
  );
  const snapshot = (version: number): PoolSnapshot => ({
    pendientes: [],
    total: 0,
    version,
  });
  const finish = async (index: number, version: number) => {
    reads[index]!(snapshot(version));
    // Lets the cache's continuation run.
    await Promise.resolve();
    await Promise.resolve();
  };
  return {
    cache,
    reads,
    failures,
    finish,
    advance: (ms: number) => (now += ms),
  };
}

describe("PoolCache", () => {
  test("reuses a finished read", async () => {
    const { cache, reads, finish } = setup();
    const first = cache.get();
    await finish(0, 1);
    const second = await cache.get();
    expect(second).toBe(await first);
    expect(reads).toHaveLength(1);
  });

  test("shares one concurrent read", async () => {
    const { cache, reads, finish } = setup();
    const calls = [cache.get(), cache.get(), cache.get()];
    expect(reads).toHaveLength(1);
    await finish(0, 1);
    const results = await Promise.all(calls);
    expect(new Set(results).size).toBe(1);
  });

  test("reads again after invalidation", async () => {
    const { cache, reads, finish } = setup();
    const first = cache.get();
    await finish(0, 1);
    await first;
    cache.invalidate();
    const second = cache.get();
    expect(reads).toHaveLength(2);
    await finish(1, 2);
    expect((await second).version).toBe(2);
  });

  test("drops a read overtaken by invalidation", async () => {
    const { cache, reads, finish } = setup();
    const stale = cache.get();
    cache.invalidate();
    const fresh = cache.get();
    expect(reads).toHaveLength(2);
    await finish(0, 1);
    expect((await stale).version).toBe(1);
    await finish(1, 2);
    expect((await fresh).version).toBe(2);
    expect((await cache.get()).version).toBe(2);
    expect(reads).toHaveLength(2);
  });

  test("reads again past the age limit", async () => {
    const { cache, reads, finish, advance } = setup();
    const first = cache.get();
    await finish(0, 1);
    await first;
    advance(poolMaxAgeMs - 1);
    await cache.get();
    expect(reads).toHaveLength(1);
    advance(1);
    void cache.get();
    expect(reads).toHaveLength(2);
  });

  test("does not keep a failed read", async () => {
    const { cache, reads, failures, finish } = setup();
    const failed = cache.get();
    failures[0]!(new Error("database unavailable"));
    await expect(failed).rejects.toThrow("database unavailable");
    const retried = cache.get();
    expect(reads).toHaveLength(2);
    await finish(1, 2);
    expect((await retried).version).toBe(2);
  });
});
