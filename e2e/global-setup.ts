import { buildForTests, startServer } from "../tests/support/server";

// Starts one real `next start` for the browser tests and hands its address
// to them through E2E_BASE_URL. Returns the teardown.
export default async function globalSetup() {
  if (process.env.SKIP_TEST_BUILD !== "1") buildForTests();
  const server = await startServer();
  process.env.E2E_BASE_URL = server.baseUrl;
  return async () => {
    await server.stop();
  };
}
