import {
  getHub,
  initialNotifications,
  retry,
  streamHeaders,
} from "../../../hub.js";

export const dynamic = "force-dynamic";

export function GET(request) {
  const hub = getHub();
  const user = new URL(request.url).searchParams.get("user") ?? "";
  let stream;
  const body = new ReadableStream({
    start(controller) {
      stream = { controller, user };
      controller.enqueue(retry);
      controller.enqueue(initialNotifications);
      controller.enqueue(hub.latestPresupuestos);
      hub.streams.add(stream);
    },
    cancel() {
      hub.streams.delete(stream);
    },
  });
  request.signal.addEventListener(
    "abort",
    () => {
      hub.streams.delete(stream);
      try {
        stream.controller.close();
      } catch {
        // Already closed.
      }
    },
    { once: true },
  );
  return new Response(body, { headers: streamHeaders });
}
