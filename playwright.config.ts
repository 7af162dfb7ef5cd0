import { defineConfig, devices } from "@playwright/test";

import { findChromium } from "./scripts/chromium-path.mjs";

const chromium = findChromium();

export default defineConfig({
  testDir: "e2e",
  // Playwright empties its output folder on start, so it gets its own
  // rather than test-results/, where npm test keeps the suites' reports.
  outputDir: "test-results/playwright",
  globalSetup: "./e2e/global-setup.ts",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [
    ["list"],
    [
      "json",
      {
        outputFile:
          process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ?? "test-results/e2e.json",
      },
    ],
  ],
  use: {
    locale: "es-AR",
    timezoneId: "America/Argentina/Buenos_Aires",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          // Without an executablePath Playwright looks for its own download.
          ...(chromium ? { executablePath: chromium } : {}),
          args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
          ],
        },
      },
    },
  ],
});
