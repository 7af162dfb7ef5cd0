import { buildForTests } from "../support/server";

// Builds once for every integration test file. SKIP_TEST_BUILD=1 reuses
// .next-test when the test command has just built it.
export default function setup(): void {
  if (process.env.SKIP_TEST_BUILD !== "1") buildForTests();
}
