import { getHub, write } from "../../../hub.js";

export const dynamic = "force-dynamic";

/** Body [{ event, data, user? }, ...], as bench/plain-server.mjs takes it. */
export async function POST(request) {
  const hub = getHub();
  const events = await request.json();
  if (!Array.isArray(events)) {
    return new Response("body must be an array", { status: 400 });
  }
  for (const { event, data, user } of events) {
    const bytes = hub.encodeEvent(event, data);
    if (event === "presupuestos") hub.latestPresupuestos = bytes;
    for (const stream of hub.streams) {
      if (user === undefined || stream.user === user) write(hub, stream, bytes);
    }
  }
  return new Response(null, { status: 204 });
}
