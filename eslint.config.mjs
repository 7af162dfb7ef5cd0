import nextVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

const config = [
  ...nextVitals,
  ...nextTypescript,
  {
    ignores: [
      "lib/generated/**",
      "**/.next*/**",
      "data/**",
      "bench/results/**",
      "playwright-report/**",
      "test-results/**",
      "next-env.d.ts",
    ],
  },
  {
    rules: {
      "no-restricted-properties": [
        "error",
        {
          object: "process",
          property: "env",
          message: "Read configuration through getEnv() from lib/env.ts.",
        },
      ],
    },
  },
  {
    // Configuration, scripts and tests set up processes and may read the
    // environment directly.
    files: [
      "lib/env.ts",
      "instrumentation.ts",
      "next.config.mjs",
      "scripts/**",
      "tests/**",
      "**/*.test.ts",
      "e2e/**",
      "bench/**",
      "*.config.*",
    ],
    rules: { "no-restricted-properties": "off" },
  },
];

export default config;
