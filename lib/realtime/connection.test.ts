import { describe, expect, test } from "vitest";

import { Connection } from "./connection";

const bytes = (size: number, fill: number) => new Uint8Array(size).fill(fill);

function openConnection() {
  const closed: string[] = [];
  const connection = new Connection(
    "connection-1",
    "user-1",
    "auditor_medico",
    Date.now() + 60_000,
    1 << 20,
    (_, reason) => closed.push(reason),
  );
  return { connection, closed, reader: connection.stream.getReader() };
}

async function readAll(reader: ReadableStreamDefaultReader<Uint8Array>) {
  const chunks: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return chunks;
    chunks.push(value);
  }
}

describe("Connection batches", () => {
  test("sends a batch as one chunk", async () => {
    const { connection, reader } = openConnection();
    connection.beginBatch();
    connection.write(bytes(2, 1));
    connection.write(bytes(5_000, 2));
    connection.write(bytes(2, 3));
    connection.endBatch();
    connection.close("client_closed");

    const chunks = await readAll(reader);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.byteLength).toBe(5_004);
    expect(chunks[0]![0]).toBe(1);
    expect(chunks[0]![5_003]).toBe(3);
  });

  test("sends an open batch on close", async () => {
    const { connection, closed, reader } = openConnection();
    connection.beginBatch();
    connection.write(bytes(3, 7));
    connection.close("server_shutdown");

    const chunks = await readAll(reader);
    expect(chunks.map((chunk) => chunk.byteLength)).toEqual([3]);
    expect(closed).toEqual(["server_shutdown"]);
  });

  test("drops writes after close", () => {
    const { connection } = openConnection();
    connection.close("client_closed");
    expect(connection.write(bytes(1, 1))).toBe(false);
  });
});
