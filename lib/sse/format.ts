// Server-Sent Events framing, as the HTML Living Standard defines it:
// fields are `name: value` lines and a blank line ends an event.

export type SseEvent = {
  event?: string;
  data: string;
  id?: string;
  retry?: number;
};

const lineBreak = /\r\n|\r|\n/;

/**
 * Formats one event. Each line of `data` becomes its own `data:` field,
 * because a raw line break would end the field early. The client joins them
 * back with "\n". `event` and `id` must be single-line, and an id must not
 * contain NUL, or the browser ignores it.
 */
export function formatEvent({ event, data, id, retry }: SseEvent): string {
  let frame = "";
  if (event !== undefined) frame += `event: ${singleLine("event", event)}\n`;
  if (id !== undefined) {
    if (id.includes("\0")) throw new Error("SSE id must not contain NUL");
    frame += `id: ${singleLine("id", id)}\n`;
  }
  if (retry !== undefined) frame += `retry: ${retryValue(retry)}\n`;
  for (const line of data.split(lineBreak)) frame += `data: ${line}\n`;
  return `${frame}\n`;
}

/** Formats a comment line, which clients ignore: used as a heartbeat. */
export function formatComment(text: string): string {
  return text
    .split(lineBreak)
    .map((line) => `: ${line}\n`)
    .join("")
    .concat("\n");
}

/** Formats a lone `retry:` field: the client's reconnection delay in ms. */
export function formatRetry(milliseconds: number): string {
  return `retry: ${retryValue(milliseconds)}\n\n`;
}

function singleLine(field: string, value: string): string {
  if (lineBreak.test(value)) {
    throw new Error(
      `SSE ${field} must be a single line: ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function retryValue(milliseconds: number): number {
  if (!Number.isInteger(milliseconds) || milliseconds < 0) {
    throw new Error(
      `SSE retry must be a non-negative integer, got ${milliseconds}`,
    );
  }
  return milliseconds;
}
