import { connect, type Socket } from "node:net";

// A client for the event stream on a bare TCP socket, for the cases that
// fetch hides, such as a client that never reads or one whose connection
// drops without a clean close.

export type RawStream = {
  socket: Socket;
  /**
   * Everything received so far, response head and chunked framing
   * included, decoded as UTF-8. Stays empty for a paused stream.
   */
  text: () => string;
  /** Resolves once `text()` contains `needle`, or rejects after `timeoutMs`. */
  waitForText: (needle: string, timeoutMs?: number) => Promise<void>;
  /**
   * Resolves when the socket closes. A paused socket never reads the
   * server's close, so it closes only when the test destroys it.
   */
  closed: Promise<void>;
};

export type RawStreamOptions = {
  /**
   * Pause the socket before the response arrives and never read it, so
   * that the kernel buffers fill and the server's writes back up.
   */
  paused?: boolean;
};

/** Connects, sends GET /api/stream/updates with `cookie` and resolves. */
export function openRawStream(
  baseUrl: string,
  cookie: string,
  options: RawStreamOptions = {},
): Promise<RawStream> {
  const url = new URL(baseUrl);
  const socket = connect({ host: url.hostname, port: Number(url.port) });
  let text = "";
  const waiters = new Set<() => void>();

  if (options.paused) {
    socket.pause();
  } else {
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      text += chunk;
      waiters.forEach((wake) => wake());
    });
  }
  const closed = new Promise<void>((resolve) => socket.once("close", resolve));
  // Errors after the connection, such as a reset the test itself causes,
  // are expected: the tests check the server, not this socket.
  socket.on("error", () => {});

  const waitForText = (needle: string, timeoutMs = 10_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!text.includes(needle)) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        const received = JSON.stringify(text.slice(0, 300));
        reject(
          new Error(
            `"${needle}" not received within ${timeoutMs} ms; ` +
              `received: ${received}`,
          ),
        );
      }, timeoutMs);
      waiters.add(check);
      check();
    });

  const head = [
    "GET /api/stream/updates HTTP/1.1",
    `Host: ${url.host}`,
    "Accept: text/event-stream",
    `Cookie: ${cookie}`,
    "",
    "",
  ].join("\r\n");

  return new Promise((resolve, reject) => {
    socket.once("error", reject);
    socket.once("connect", () => {
      socket.off("error", reject);
      socket.write(head);
      resolve({ socket, text: () => text, waitForText, closed });
    });
  });
}
