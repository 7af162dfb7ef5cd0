import { requireUser } from "@/lib/auth/session";
import { route } from "@/lib/http/route";
import { eventStreamResponse } from "@/lib/realtime/stream-response";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

export const GET = route("stream.updates", async ({ request }) => {
  const user = await requireUser();
  return eventStreamResponse(user, request);
});
