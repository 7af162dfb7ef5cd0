import { json } from "@/lib/http/responses";
import { route } from "@/lib/http/route";
import { readHealth } from "@/lib/health";

export const dynamic = "force-dynamic";

export const GET = route("health", async () => {
  const health = await readHealth();
  return json(health, { status: health.status === "ok" ? 200 : 503 });
});
