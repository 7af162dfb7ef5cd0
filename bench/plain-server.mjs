// The baseline for the bench: a minimal Server-Sent Events server on
// node:http, with no framework, no authentication and no database. It keeps
// a Set of open responses and writes each event, encoded once, to all of
// them (or to one user's). It sends the same events as the app, with
// payloads of the size the bench requests, so that the bench can compare
// the app against it figure by figure.
//
// Environment: PORT (required), HEARTBEAT_MS (default 30000) and
// INITIAL_PRESUPUESTOS_DATA (the `data` of the snapshot a new stream gets).
//
// Routes:
//   GET  /health                 200
//   GET  /stream?user=ID         the event stream
//   POST /publish                body [{ event, data, user? }, ...]: writes
//                                each event to every stream, or only to the
//                                streams of `user`; 204
import http from "node:http";

const port = Number(process.env.PORT);
const heartbeatMs = Number(process.env.HEARTBEAT_MS || 30_000);
if (!Number.isInteger(port) || port <= 0) {
  throw new Error(`PORT must be a positive integer, got "${process.env.PORT}"`);
}

const streamHeaders = {
  "Content-Type": "text/event-stream; charset=utf-8",
  "Cache-Control": "no-cache, no-transform",
  Connection: "keep-alive",
  "X-Accel-Buffering": "no",
};
const retry = Buffer.from("retry: 3000\n\n");
const ping = Buffer.from(": ping\n\n");

/** @type {Set<{ response: http.ServerResponse, user: string }>} */
const streams = new Set();
let version = 0;
let latestPresupuestos = encodeEvent(
  "presupuestos",
  process.env.INITIAL_PRESUPUESTOS_DATA || '{"pendientes":[],"total":0}',
);

function encodeEvent(event, data) {
  version += 1;
  return Buffer.from(`event: ${event}\nid: 0-${version}\ndata: ${data}\n\n`);
}

function openStream(request, response, url) {
  const stream = { response, user: url.searchParams.get("user") ?? "" };
  response.writeHead(200, streamHeaders);
  response.write(retry);
  response.write(encodeEvent("notifications", '{"count":0,"version":0}'));
  response.write(latestPresupuestos);
  streams.add(stream);
  request.socket.on("close", () => streams.delete(stream));
}

function publish(request, response) {
  let body = "";
  request.setEncoding("utf8");
  request.on("data", (chunk) => (body += chunk));
  request.on("end", () => {
    let events;
    try {
      events = JSON.parse(body);
      if (!Array.isArray(events)) throw new Error("body is not an array");
    } catch (error) {
      response.writeHead(400).end(`invalid body: ${error.message}`);
      return;
    }
    for (const { event, data, user } of events) {
      const bytes = encodeEvent(event, data);
      if (event === "presupuestos") latestPresupuestos = bytes;
      for (const stream of streams) {
        if (user === undefined || stream.user === user) {
          stream.response.write(bytes);
        }
      }
    }
    response.writeHead(204).end();
  });
}

const server = http.createServer((request, response) => {
  const url = new URL(request.url ?? "/", "http://127.0.0.1");
  if (request.method === "GET" && url.pathname === "/stream") {
    openStream(request, response, url);
  } else if (request.method === "POST" && url.pathname === "/publish") {
    publish(request, response);
  } else if (request.method === "GET" && url.pathname === "/health") {
    response.writeHead(200).end("ok");
  } else {
    response.writeHead(404).end();
  }
});

setInterval(() => {
  for (const stream of streams) stream.response.write(ping);
}, heartbeatMs).unref();

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    for (const stream of streams) stream.response.destroy();
    server.close(() => process.exit(0));
  });
}

server.listen(port, "127.0.0.1");
