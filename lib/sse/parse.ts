// An incremental Server-Sent Events parser, following the HTML Living
// Standard's "interpret an event stream". Safe in the browser and in Node.

export type ParsedEvent = {
  /** "message" when the event had no `event:` field. */
  event: string;
  data: string;
  /** The last event id seen on the stream, as the standard defines it. */
  id: string;
};

export type ParserCallbacks = {
  onEvent: (event: ParsedEvent) => void;
  onRetry?: (milliseconds: number) => void;
  onComment?: (text: string) => void;
};

/** Returns a function that takes decoded text chunks in order. */
export function createSseParser(callbacks: ParserCallbacks) {
  let buffer = "";
  let lastEventId = "";
  let eventType = "";
  let data: string[] = [];
  let pendingCarriageReturn = false;

  const dispatch = () => {
    if (data.length > 0) {
      callbacks.onEvent({
        event: eventType || "message",
        data: data.join("\n"),
        id: lastEventId,
      });
    }
    eventType = "";
    data = [];
  };

  const processLine = (line: string) => {
    if (line === "") return dispatch();
    if (line.startsWith(":")) {
      callbacks.onComment?.(line.slice(1).trimStart());
      return;
    }
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") eventType = value;
    else if (field === "data") data.push(value);
    else if (field === "id" && !value.includes("\0")) lastEventId = value;
    else if (field === "retry" && /^\d+$/.test(value)) {
      callbacks.onRetry?.(Number(value));
    }
  };

  return (chunk: string) => {
    // An empty chunk must not reset the pending CR of a split CRLF.
    if (chunk === "") return;
    if (pendingCarriageReturn && chunk.startsWith("\n")) chunk = chunk.slice(1);
    pendingCarriageReturn = false;
    buffer += chunk;
    let start = 0;
    for (let index = 0; index < buffer.length; index++) {
      const char = buffer[index];
      if (char !== "\n" && char !== "\r") continue;
      processLine(buffer.slice(start, index));
      if (char === "\r") {
        if (index + 1 === buffer.length) pendingCarriageReturn = true;
        else if (buffer[index + 1] === "\n") index++;
      }
      start = index + 1;
    }
    buffer = buffer.slice(start);
  };
}
