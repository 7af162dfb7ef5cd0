// Runs once when a Next.js server process starts.
export async function register(): Promise<void> {
  // Next.js sets NEXT_RUNTIME; the shutdown handlers need Node.js APIs.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startInstance } = await import("./lib/lifecycle/start");
  await startInstance();
}
