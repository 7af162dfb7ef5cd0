// Versions order the states a client sees. Each snapshot, stream event and
// REST response carries one, and the client keeps the state with the
// highest. They come from the wall clock in microseconds, bumped to stay
// strictly increasing within a process, so a state read later (on this
// instance or, within clock skew, on another) carries a larger version.

const versionKey = Symbol.for("auditoria.lastVersion");
type VersionCache = { [versionKey]?: number };

/** Returns a version larger than every one this process returned before. */
export function nextVersion(now = Date.now()): number {
  const cache = globalThis as VersionCache;
  const version = Math.max((cache[versionKey] ?? 0) + 1, now * 1000);
  cache[versionKey] = version;
  return version;
}
