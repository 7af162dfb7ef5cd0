"use client";

import { useEffect, useRef, useState } from "react";

import { createSseParser, type ParsedEvent } from "@/lib/sse/parse";

export type StreamState =
  | "connecting"
  | "open"
  | "reconnecting"
  | "unauthenticated"
  /** The server ended the stream for good (a `closing` event). */
  | "closed";

type Options = {
  url?: string;
  onEvent: (event: ParsedEvent) => void;
  /** Called once when the server answers 401: the session is gone. */
  onUnauthenticated?: () => void;
};

const firstRetryMs = 1_000;
const maxRetryMs = 30_000;

/**
 * Opens the event stream with fetch and keeps it open: it parses named
 * events, reconnects with jittered exponential backoff (or the server's
 * `retry:` hint), resumes with Last-Event-ID and stops for good after a 401.
 * fetch is used instead of EventSource because EventSource hides the
 * status code, so it cannot tell an expired session from a network error.
 */
export function useEventStream({
  url = "/api/stream/updates",
  onEvent,
  onUnauthenticated,
}: Options): { state: StreamState; lastEventId: string } {
  const [state, setState] = useState<StreamState>("connecting");
  const [lastEventId, setLastEventId] = useState("");
  const onEventRef = useRef(onEvent);
  const onUnauthenticatedRef = useRef(onUnauthenticated);
  useEffect(() => {
    onEventRef.current = onEvent;
    onUnauthenticatedRef.current = onUnauthenticated;
  });

  useEffect(() => {
    const abort = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let wake: (() => void) | undefined;
    let serverRetryMs: number | undefined;
    let failures = 0;
    let resumeId = "";
    let closedByServer = false;

    const sleep = (milliseconds: number) =>
      new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, milliseconds);
      });

    const reconnectNow = () => {
      clearTimeout(timer);
      wake?.();
    };

    const readStream = async (body: ReadableStream<Uint8Array>) => {
      const parse = createSseParser({
        onEvent: (event) => {
          resumeId = event.id;
          setLastEventId(event.id);
          if (event.event === "closing") closedByServer = true;
          onEventRef.current(event);
        },
        onRetry: (milliseconds) => {
          serverRetryMs = milliseconds;
        },
      });
      const decoder = new TextDecoder();
      const reader = body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        parse(decoder.decode(value, { stream: true }));
      }
    };

    const run = async () => {
      while (!abort.signal.aborted) {
        try {
          const headers: HeadersInit = { Accept: "text/event-stream" };
          if (resumeId) headers["Last-Event-ID"] = resumeId;
          const response = await fetch(url, {
            headers,
            cache: "no-store",
            signal: abort.signal,
          });
          if (response.status === 401) {
            setState("unauthenticated");
            onUnauthenticatedRef.current?.();
            return;
          }
          if (response.ok && response.body) {
            failures = 0;
            setState("open");
            await readStream(response.body);
          } else {
            failures++;
          }
        } catch {
          if (abort.signal.aborted) return;
          failures++;
        }
        if (closedByServer) {
          setState("closed");
          return;
        }
        setState("reconnecting");
        const backoff = Math.min(maxRetryMs, firstRetryMs * 2 ** failures);
        const base = failures === 0 ? (serverRetryMs ?? firstRetryMs) : backoff;
        await sleep(base / 2 + Math.random() * (base / 2));
      }
    };

    window.addEventListener("online", reconnectNow);
    void run();
    return () => {
      abort.abort();
      clearTimeout(timer);
      wake?.();
      window.removeEventListener("online", reconnectNow);
    };
  }, [url]);

  return { state, lastEventId };
}
