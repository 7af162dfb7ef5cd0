"use client";

import { useEffect, useRef, useState } from "react";

import { retryDelay } from "@/lib/client/retry-delay";
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
  /** Called once when the server responds 401, because the session is gone. */
  onUnauthenticated?: () => void;
};

/**
 * Opens the event stream with fetch and keeps it open: it parses named
 * events, reconnects after retryDelay() (the server's `retry:` hint, or
 * jittered exponential backoff), resumes with Last-Event-ID and stops for good after a 401.
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
    let lastStatus: number | undefined;
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
            lastStatus = undefined;
            setState("open");
            await readStream(response.body);
          } else {
            failures++;
            lastStatus = response.status;
          }
        } catch {
          if (abort.signal.aborted) return;
          failures++;
          lastStatus = undefined;
        }
        if (closedByServer) {
          setState("closed");
          return;
        }
        setState("reconnecting");
        await sleep(
          retryDelay({
            failures,
            status: lastStatus,
            serverRetryMs,
            random: Math.random(),
          }),
        );
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
