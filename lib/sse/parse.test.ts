import { describe, expect, it } from "vitest";

import {
  formatComment,
  formatEvent,
  formatRetry,
  type SseEvent,
} from "./format";
import { createSseParser, type ParsedEvent } from "./parse";

type Parsed = {
  events: ParsedEvent[];
  retries: number[];
  comments: string[];
};

/** Feeds `chunks` to a new parser in order and returns what it reported. */
function parseChunks(chunks: string[]): Parsed {
  const parsed: Parsed = { events: [], retries: [], comments: [] };
  const feed = createSseParser({
    onEvent: (event) => parsed.events.push(event),
    onRetry: (milliseconds) => parsed.retries.push(milliseconds),
    onComment: (text) => parsed.comments.push(text),
  });
  for (const chunk of chunks) feed(chunk);
  return parsed;
}

/** Cuts `text` at the given ascending offsets. */
function splitAt(text: string, offsets: number[]): string[] {
  const chunks: string[] = [];
  let start = 0;
  for (const offset of offsets) {
    chunks.push(text.slice(start, offset));
    start = offset;
  }
  chunks.push(text.slice(start));
  return chunks;
}

/** Mulberry32: a small seeded generator, so a failing split can be rerun. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

// A stream that uses every line ending and field case the parser handles.
// Each line's comment names what it checks.
const stream = [
  "retry: 2500\n",
  ": welcome\n",
  // A blank line with no data before it dispatches nothing.
  "\n",
  'event: notifications\nid: 7\ndata: {"count":1}\n\n',
  // CRLF line endings. The id 7 carries over.
  "data: sin evento\r\n\r\n",
  // Lone CR line endings and two data lines.
  "id: 8\rdata: línea 1\rdata: línea 2\r\r",
  // No data: not dispatched, but the id 9 still carries over.
  "event: solo-tipo\nid: 9\n\n",
  // No space after the colon, and a field name without a colon.
  "data:sin-espacio\ndata\n\n",
  // An unknown field, and only the first space after the colon removed.
  "unknown: field\ndata:  dos espacios\n\n",
  // Only an all-digit retry counts.
  "retry: 12x\nretry: -1\nretry:\nretry: 1000\n",
  // An id with NUL is ignored, so the id stays 9.
  "id: con\u0000nul\ndata: € y ñ\n\n",
  // "id" without a colon sets the empty id.
  "id\ndata: id vacío\n\n",
  // Field names are case-sensitive.
  "Data: ignorado\n\n",
  // The stream ends before the blank line: never dispatched.
  "data: incompleto",
].join("");

const expected: Parsed = {
  events: [
    { event: "notifications", data: '{"count":1}', id: "7" },
    { event: "message", data: "sin evento", id: "7" },
    { event: "message", data: "línea 1\nlínea 2", id: "8" },
    { event: "message", data: "sin-espacio\n", id: "9" },
    { event: "message", data: " dos espacios", id: "9" },
    { event: "message", data: "€ y ñ", id: "9" },
    { event: "message", data: "id vacío", id: "" },
  ],
  retries: [2500, 1000],
  comments: ["welcome"],
};

describe("createSseParser whole stream", () => {
  it("parses the events", () => {
    expect(parseChunks([stream]).events).toEqual(expected.events);
  });

  it("reports the valid retries", () => {
    expect(parseChunks([stream]).retries).toEqual(expected.retries);
  });

  it("reports the comments", () => {
    expect(parseChunks([stream]).comments).toEqual(expected.comments);
  });
});

describe("createSseParser chunking", () => {
  it("parses one character at a time", () => {
    expect(parseChunks([...stream])).toEqual(expected);
  });

  it("parses every two-chunk split", () => {
    for (let offset = 0; offset <= stream.length; offset++) {
      const parsed = parseChunks(splitAt(stream, [offset]));
      expect(parsed, `split at ${offset}`).toEqual(expected);
    }
  });

  it("parses every three-chunk split", () => {
    for (let first = 1; first < stream.length; first++) {
      for (let second = first + 1; second < stream.length; second++) {
        const parsed = parseChunks(splitAt(stream, [first, second]));
        if (JSON.stringify(parsed) !== JSON.stringify(expected)) {
          expect(parsed, `split at ${first}, ${second}`).toEqual(expected);
        }
      }
    }
  });

  it("parses every UTF-8 byte split", () => {
    const bytes = new TextEncoder().encode(stream);
    for (let offset = 0; offset <= bytes.length; offset++) {
      const decoder = new TextDecoder();
      const chunks = [
        decoder.decode(bytes.subarray(0, offset), { stream: true }),
        decoder.decode(bytes.subarray(offset), { stream: true }),
        decoder.decode(),
      ];
      expect(parseChunks(chunks), `split at byte ${offset}`).toEqual(expected);
    }
  });

  it("parses random non-empty splits", () => {
    const random = seededRandom(20_260_401);
    for (let round = 0; round < 500; round++) {
      const offsets = new Set<number>();
      const cuts = 1 + Math.floor(random() * 20);
      for (let cut = 0; cut < cuts; cut++) {
        offsets.add(1 + Math.floor(random() * (stream.length - 1)));
      }
      const sorted = [...offsets].sort((a, b) => a - b);
      const parsed = parseChunks(splitAt(stream, sorted));
      expect(parsed, `round ${round}, cuts ${sorted.join(",")}`).toEqual(
        expected,
      );
    }
  });
});

describe("createSseParser line endings", () => {
  it("joins CRLF split across chunks", () => {
    const parsed = parseChunks(["data: a\r", "\ndata: b\r", "\n\r", "\n"]);
    expect(parsed.events).toEqual([{ event: "message", data: "a\nb", id: "" }]);
  });

  it("treats a final CR as a line end", () => {
    const parsed = parseChunks(["data: a\r", "data: b\r", "\r"]);
    expect(parsed.events).toEqual([{ event: "message", data: "a\nb", id: "" }]);
  });

  it("skips an empty chunk after CR", () => {
    // A stream reader may deliver a zero-length chunk, which decodes to "".
    // It must not cancel the CR that may start a CRLF.
    const parsed = parseChunks(["data: a\r", "", "\ndata: b\n\n"]);
    expect(parsed.events).toEqual([{ event: "message", data: "a\nb", id: "" }]);
  });

  it("reads two blank lines after CRLF", () => {
    const parsed = parseChunks(["data: a\r\n\r", "\n", "data: b\n\n"]);
    expect(parsed.events.map((event) => event.data)).toEqual(["a", "b"]);
  });
});

describe("createSseParser fields", () => {
  it("waits for the blank line", () => {
    expect(parseChunks(["data: a\n"]).events).toEqual([]);
  });

  it("skips an event without data", () => {
    const parsed = parseChunks(["event: ping\nid: 3\n\n"]);
    expect(parsed.events).toEqual([]);
  });

  it("resets the type after dispatch", () => {
    const parsed = parseChunks(["event: a\ndata: 1\n\ndata: 2\n\n"]);
    expect(parsed.events.map((event) => event.event)).toEqual(["a", "message"]);
  });

  it("resets the type after a no-data event", () => {
    const parsed = parseChunks(["event: a\n\ndata: 2\n\n"]);
    expect(parsed.events.map((event) => event.event)).toEqual(["message"]);
  });

  it("keeps the id across events", () => {
    const parsed = parseChunks(["id: 5\ndata: a\n\ndata: b\n\n"]);
    expect(parsed.events.map((event) => event.id)).toEqual(["5", "5"]);
  });

  it("keeps an id set without data", () => {
    const parsed = parseChunks(["id: 6\n\ndata: b\n\n"]);
    expect(parsed.events[0]?.id).toBe("6");
  });

  it("clears the id on an empty id", () => {
    const parsed = parseChunks(["id: 5\ndata: a\n\nid:\ndata: b\n\n"]);
    expect(parsed.events.map((event) => event.id)).toEqual(["5", ""]);
  });

  it("ignores an id with NUL", () => {
    const parsed = parseChunks(["id: 5\n\nid: 6\u0000\ndata: a\n\n"]);
    expect(parsed.events[0]?.id).toBe("5");
  });

  it("keeps an empty data line", () => {
    const parsed = parseChunks(["data:\ndata:\n\n"]);
    expect(parsed.events[0]?.data).toBe("\n");
  });

  it("keeps colons in the value", () => {
    const parsed = parseChunks(["data: a: b\n\n"]);
    expect(parsed.events[0]?.data).toBe("a: b");
  });

  it("trims a comment's leading spaces", () => {
    const parsed = parseChunks([":   latido\n:sin espacio\n"]);
    expect(parsed.comments).toEqual(["latido", "sin espacio"]);
  });

  it.each(["12x", "-1", "1.5", "", "  10", "1e3"])(
    "ignores retry %j",
    (value) => {
      const parsed = parseChunks([`retry:${value}\n`]);
      expect(parsed.retries).toEqual([]);
    },
  );

  it("accepts retry without a space", () => {
    expect(parseChunks(["retry:750\n"]).retries).toEqual([750]);
  });

  it("works without optional callbacks", () => {
    const events: ParsedEvent[] = [];
    const feed = createSseParser({ onEvent: (event) => events.push(event) });
    feed(": comment\nretry: 10\ndata: a\n\n");
    expect(events).toEqual([{ event: "message", data: "a", id: "" }]);
  });
});

describe("createSseParser round trip", () => {
  const sent: SseEvent[] = [
    { data: "hola" },
    { event: "presupuestos", id: "1", data: '{"total":3}' },
    { data: "línea\r\nsegunda\rtercera\ncuarta" },
    { data: "" },
    { id: "", data: "x" },
    { event: "e", retry: 500, data: "  espacios " },
    { data: ": no es comentario" },
    { data: "data: anidado\n" },
  ];
  const wire =
    formatRetry(3000) +
    formatComment("latido") +
    sent.map((event) => formatEvent(event)).join("");

  const received: Parsed = {
    events: [
      { event: "message", data: "hola", id: "" },
      { event: "presupuestos", data: '{"total":3}', id: "1" },
      {
        event: "message",
        data: "línea\nsegunda\ntercera\ncuarta",
        id: "1",
      },
      { event: "message", data: "", id: "1" },
      { event: "message", data: "x", id: "" },
      { event: "e", data: "  espacios ", id: "" },
      { event: "message", data: ": no es comentario", id: "" },
      { event: "message", data: "data: anidado\n", id: "" },
    ],
    retries: [3000, 500],
    comments: ["latido"],
  };

  it("recovers the formatted events", () => {
    expect(parseChunks([wire])).toEqual(received);
  });

  it("recovers them one character at a time", () => {
    expect(parseChunks([...wire])).toEqual(received);
  });
});
