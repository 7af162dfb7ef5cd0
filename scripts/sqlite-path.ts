import path from "node:path";

/** Returns the file path of a SQLite `file:` URL, or null for other URLs. */
export function sqliteFilePath(databaseUrl: string): string | null {
  if (!databaseUrl.startsWith("file:")) return null;
  const withoutScheme = databaseUrl.slice("file:".length).split("?")[0] ?? "";
  return path.resolve(withoutScheme);
}
