/**
 * Ids per query when a query binds one or more values per id. SQLite
 * accepts at most 999 bound values per statement in the build Prisma's
 * adapter targets, and some queries here bind three per user.
 */
export const maxIdsPerQuery = 300;

/** Splits `items` into consecutive batches of at most `size`. */
export function inBatches<T>(items: T[], size = maxIdsPerQuery): T[][] {
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    batches.push(items.slice(start, start + size));
  }
  return batches;
}
