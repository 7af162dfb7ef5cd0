import path from "node:path";

import { defineConfig } from "vitest/config";

const root = import.meta.dirname;

export default defineConfig({
  resolve: {
    alias: {
      "@": root,
      // server-only throws outside React Server Components; tests import
      // server modules directly.
      "server-only": path.join(root, "tests/support/server-only.ts"),
    },
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["lib/**/*.test.ts", "scripts/**/*.test.ts"],
          environment: "node",
          setupFiles: ["tests/support/unit-setup.ts"],
        },
      },
      {
        extends: true,
        test: {
          // The same service tests, on a scratch PostgreSQL database each.
          name: "unit-postgres",
          include: [
            "lib/presupuestos/*.test.ts",
            "lib/notifications/*.test.ts",
            "lib/realtime/*.test.ts",
          ],
          environment: "node",
          setupFiles: ["tests/support/unit-setup.ts"],
          env: { TEST_DATABASE_PROVIDER: "postgresql" },
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["tests/integration/**/*.test.ts"],
          environment: "node",
          globalSetup: ["tests/integration/global-setup.ts"],
          testTimeout: 30_000,
          hookTimeout: 120_000,
          // One server per file; files run one at a time on 2 cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
