import { route } from "@/lib/http/route";
import { readMetricsText } from "@/lib/observability/metrics-endpoint";

export const dynamic = "force-dynamic";

export const GET = route("metrics", async ({ request }) => {
  const { body, contentType } = await readMetricsText(request);
  return new Response(body, {
    headers: { "Content-Type": contentType, "Cache-Control": "no-store" },
  });
});
