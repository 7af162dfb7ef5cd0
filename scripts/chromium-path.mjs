// Finds a Chromium for the browser tests. Playwright's own browser download
// is blocked on many networks, so the system package comes first.
import { existsSync } from "node:fs";

const candidates = [
  process.env.CHROMIUM_PATH,
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/snap/bin/chromium",
];

/** Returns a Chromium executable path, or null when none is installed. */
export function findChromium() {
  for (const candidate of candidates) {
    if (candidate && existsSync(candidate)) return candidate;
  }
  return null;
}

export const missingChromiumMessage = `No Chromium found for the browser tests.
Install one of:
  - the system package: sudo apt-get install chromium (Debian/Ubuntu)
  - Playwright's own build, where the network allows it: npx playwright install chromium,
    then set CHROMIUM_PATH to the path it prints
or set CHROMIUM_PATH to an existing Chromium or Chrome executable.`;
