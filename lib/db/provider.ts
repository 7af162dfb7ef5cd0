import path from "node:path";

export type DatabaseProvider = "sqlite" | "postgresql";

/** Returns the provider a DATABASE_URL selects by its scheme. */
export function providerOf(databaseUrl: string): DatabaseProvider {
  if (databaseUrl.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return "postgresql";
  throw new Error(
    `Unsupported DATABASE_URL scheme in "${redactUrl(databaseUrl)}": use ` +
      "file: for SQLite or postgresql:// for PostgreSQL.",
  );
}

/** The schema and migrations folder of each provider. */
export const providerFiles: Record<
  DatabaseProvider,
  { schema: string; migrations: string }
> = {
  sqlite: {
    schema: path.resolve("prisma/schema.prisma"),
    migrations: path.resolve("prisma/migrations"),
  },
  postgresql: {
    schema: path.resolve("prisma/postgresql/schema.prisma"),
    migrations: path.resolve("prisma/postgresql/migrations"),
  },
};

/** Hides the password of a connection URL so it can be logged. */
export function redactUrl(databaseUrl: string): string {
  return databaseUrl.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
}
