import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

import { describe, expect, test } from "vitest";

import { providerFiles } from "../lib/db/provider";
import { latestMigrationSchema } from "./db-migration-create";
import { renderPostgresSchema } from "./render-postgres-schema.mjs";

describe("schema drift", () => {
  test("postgresql schema matches source", () => {
    const source = readFileSync("prisma/schema.prisma", "utf8");
    const generated = readFileSync("prisma/postgresql/schema.prisma", "utf8");
    expect(
      generated,
      "prisma/postgresql/schema.prisma is stale: run npm run prisma:generate",
    ).toBe(renderPostgresSchema(source));
  });

  test.each(["sqlite", "postgresql"] as const)(
    "%s migrations match schema",
    (provider) => {
      const { schema, migrations } = providerFiles[provider];
      expect(
        latestMigrationSchema(migrations),
        `${provider}: the schema changed without a migration; run ` +
          "npm run db:migration:create -- <name>",
      ).toBe(readFileSync(schema, "utf8"));
    },
  );

  test.each(["sqlite", "postgresql"] as const)(
    "%s lockfile names provider",
    (provider) => {
      const lockfile = path.join(
        providerFiles[provider].migrations,
        "migration_lock.toml",
      );
      expect(existsSync(lockfile)).toBe(true);
      expect(readFileSync(lockfile, "utf8")).toContain(
        `provider = "${provider}"`,
      );
    },
  );
});
