import { defineConfig } from "prisma/config";

// Used by `prisma generate` only. Migrations run through
// scripts/db-migrate.ts with the WebAssembly schema engine.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
