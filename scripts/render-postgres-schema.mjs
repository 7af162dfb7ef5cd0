// Renders prisma/postgresql/schema.prisma from prisma/schema.prisma, the one
// schema that is edited by hand. Prisma generates a client per provider, so
// PostgreSQL needs its own schema file; only the header differs.

const header = `// GENERATED from prisma/schema.prisma by scripts/render-postgres-schema.mjs.
// Do not edit: change prisma/schema.prisma and run npm run prisma:generate.
`;

/** Returns the PostgreSQL schema text for the SQLite schema `source`. */
export function renderPostgresSchema(source) {
  const replaced = source
    .replace(/provider\s*=\s*"sqlite"/, 'provider = "postgresql"')
    .replace(
      /output\s*=\s*"\.\.\/lib\/generated\/prisma"/,
      'output       = "../../lib/generated/prisma-pg"',
    );
  if (!replaced.includes('"postgresql"') || !replaced.includes("prisma-pg")) {
    throw new Error(
      "prisma/schema.prisma no longer has the sqlite provider or the " +
        "lib/generated/prisma output this script rewrites; update the script.",
    );
  }
  return header + replaced;
}
