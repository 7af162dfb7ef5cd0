import { createSseParser, type ParsedEvent } from "../../lib/sse/parse";

// A test client for the event stream: it records every event and lets a
// test wait for the next one that matches.

export type StreamClient = {
  status: number;
  headers: Headers;
  events: ParsedEvent[];
  retries: number[];
  comments: string[];
  /** Every byte received so far, decoded, for checks on the raw framing. */
  text: () => string;
  /** Resolves with the first event, from now or already received after `from`, that matches. */
  waitFor: (
    match: (event: ParsedEvent) => boolean,
    options?: { timeoutMs?: number; from?: number },
  ) => Promise<ParsedEvent>;
  close: () => void;
  closed: Promise<void>;
};

export async function openStream(
  baseUrl: string,
  cookie: string,
  headers: Record<string, string> = {},
): Promise<StreamClient> {
  const abort = new AbortController();
  const response = await fetch(`${baseUrl}/api/stream/updates`, {
    headers: { Cookie: cookie, Accept: "text/event-stream", ...headers },
    signal: abort.signal,
  });
  const events: ParsedEvent[] = [];
  const retries: number[] = [];
  const comments: string[] = [];
  let text = "";
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((wake) => wake());
  const parse = createSseParser({
    onEvent: (event) => {
      events.push(event);
      notify();
    },
    onRetry: (milliseconds) => retries.push(milliseconds),
    onComment: (text) => comments.push(text),
  });

  const closed = (async () => {
    if (!response.body) return;
    const decoder = new TextDecoder();
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const chunk = decoder.decode(value, { stream: true });
        text += chunk;
        parse(chunk);
      }
    } catch {
      // Aborted by close().
    } finally {
      notify();
    }
  })();

  const waitFor: StreamClient["waitFor"] = (match, options = {}) => {
    const timeoutMs = options.timeoutMs ?? 5_000;
    const from = options.from ?? events.length;
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = events.slice(from).find(match);
        if (found) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        const seen = events
          .slice(from)
          .map((event) => `${event.event} ${event.data.slice(0, 120)}`);
        reject(
          new Error(
            `no matching event within ${timeoutMs} ms; received after ${from}: ${JSON.stringify(seen)}`,
          ),
        );
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  };

  return {
    status: response.status,
    headers: response.headers,
    events,
    retries,
    comments,
    text: () => text,
    waitFor,
    close: () => abort.abort(),
    closed,
  };
}
