import { describe, expect, it } from "vitest";

import { formatComment, formatEvent, formatRetry } from "./format";

describe("formatEvent", () => {
  it("frames data alone", () => {
    expect(formatEvent({ data: "hola" })).toBe("data: hola\n\n");
  });

  it("writes fields in order", () => {
    const frame = formatEvent({
      event: "notifications",
      id: "42",
      retry: 3000,
      data: '{"count":2}',
    });
    expect(frame).toBe(
      'event: notifications\nid: 42\nretry: 3000\ndata: {"count":2}\n\n',
    );
  });

  it("frames empty data", () => {
    expect(formatEvent({ data: "" })).toBe("data: \n\n");
  });

  it("splits data on LF", () => {
    expect(formatEvent({ data: "a\nb\nc" })).toBe(
      "data: a\ndata: b\ndata: c\n\n",
    );
  });

  it("splits data on CRLF", () => {
    expect(formatEvent({ data: "a\r\nb" })).toBe("data: a\ndata: b\n\n");
  });

  it("splits data on lone CR", () => {
    expect(formatEvent({ data: "a\rb" })).toBe("data: a\ndata: b\n\n");
  });

  it("splits mixed line breaks", () => {
    expect(formatEvent({ data: "a\r\n\rb\nc" })).toBe(
      "data: a\ndata: \ndata: b\ndata: c\n\n",
    );
  });

  it("keeps a trailing line break", () => {
    expect(formatEvent({ data: "a\n" })).toBe("data: a\ndata: \n\n");
  });

  it("keeps leading spaces in data", () => {
    expect(formatEvent({ data: "  indented" })).toBe("data:   indented\n\n");
  });

  it("allows an empty id", () => {
    expect(formatEvent({ id: "", data: "x" })).toBe("id: \ndata: x\n\n");
  });

  it("allows a zero retry", () => {
    expect(formatEvent({ retry: 0, data: "x" })).toBe("retry: 0\ndata: x\n\n");
  });

  it.each([
    ["LF", "a\nb"],
    ["CRLF", "a\r\nb"],
    ["CR", "a\rb"],
  ])("rejects an event name with %s", (_, event) => {
    expect(() => formatEvent({ event, data: "x" })).toThrow(
      `SSE event must be a single line: ${JSON.stringify(event)}`,
    );
  });

  it.each([
    ["LF", "1\n2"],
    ["CRLF", "1\r\n2"],
    ["CR", "1\r2"],
  ])("rejects an id with %s", (_, id) => {
    expect(() => formatEvent({ id, data: "x" })).toThrow(
      `SSE id must be a single line: ${JSON.stringify(id)}`,
    );
  });

  it("rejects an id with NUL", () => {
    expect(() => formatEvent({ id: "1\u00002", data: "x" })).toThrow(
      "SSE id must not contain NUL",
    );
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    "rejects retry %s",
    (retry) => {
      expect(() => formatEvent({ retry, data: "x" })).toThrow(
        `SSE retry must be a non-negative integer, got ${retry}`,
      );
    },
  );
});

describe("formatComment", () => {
  it("frames one line", () => {
    expect(formatComment("heartbeat")).toBe(": heartbeat\n\n");
  });

  it("frames an empty comment", () => {
    expect(formatComment("")).toBe(": \n\n");
  });

  it("prefixes every line", () => {
    expect(formatComment("a\nb\r\nc\rd")).toBe(": a\n: b\n: c\n: d\n\n");
  });
});

describe("formatRetry", () => {
  it("frames the delay", () => {
    expect(formatRetry(3000)).toBe("retry: 3000\n\n");
  });

  it("frames zero", () => {
    expect(formatRetry(0)).toBe("retry: 0\n\n");
  });

  it.each([-5, 0.5, Number.NaN, Number.NEGATIVE_INFINITY])(
    "rejects %s",
    (milliseconds) => {
      expect(() => formatRetry(milliseconds)).toThrow(
        `SSE retry must be a non-negative integer, got ${milliseconds}`,
      );
    },
  );
});
