import { describe, expect, test } from "vitest";

import { inBatches } from "./batches";

describe("inBatches", () => {
  test("splits into full batches", () => {
    expect(inBatches([1, 2, 3, 4], 2)).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  test("keeps a short last batch", () => {
    expect(inBatches([1, 2, 3], 2)).toEqual([[1, 2], [3]]);
  });

  test("returns no batch for nothing", () => {
    expect(inBatches([], 2)).toEqual([]);
  });
});
