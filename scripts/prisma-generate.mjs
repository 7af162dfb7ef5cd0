// Generates the Prisma client into lib/generated/prisma (run on install).
//
// `prisma generate` itself runs in WebAssembly, but the CLI first tries to
// download a native schema engine unless PRISMA_SCHEMA_ENGINE_BINARY names
// an existing file. Generation never executes that engine, so any existing
// file will do; the WebAssembly engine that migrations use is the honest
// choice.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

import { renderPostgresSchema } from "./render-postgres-schema.mjs";

const require = createRequire(import.meta.url);
const wasmEngine = path.join(
  path.dirname(require.resolve("@prisma/schema-engine-wasm")),
  "schema_engine_bg.wasm",
);
const prismaCli = require.resolve("prisma/build/index.js");

writeFileSync(
  "prisma/postgresql/schema.prisma",
  renderPostgresSchema(readFileSync("prisma/schema.prisma", "utf8")),
);

// One client per provider: lib/generated/prisma (SQLite) and
// lib/generated/prisma-pg (PostgreSQL).
for (const schema of [
  "prisma/schema.prisma",
  "prisma/postgresql/schema.prisma",
]) {
  const result = spawnSync(
    process.execPath,
    [prismaCli, "generate", "--schema", schema],
    {
      stdio: "inherit",
      env: {
        ...process.env,
        PRISMA_SCHEMA_ENGINE_BINARY: wasmEngine,
        CHECKPOINT_DISABLE: "1",
        PRISMA_HIDE_UPDATE_MESSAGE: "1",
      },
    },
  );
  if (result.status !== 0) {
    console.error(
      `prisma generate failed for ${schema}; see the output above. The ` +
        "client is needed before the app can build or run.",
    );
    process.exit(result.status ?? 1);
  }
}
