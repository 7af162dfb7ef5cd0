import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { demoAccounts, signIn } from "../support/auth";
import { openStream } from "../support/sse-client";
import { startServer, type TestServer } from "../support/server";

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});

afterAll(async () => {
  await server?.stop();
});

describe("stream", () => {
  test("created presupuesto reaches auditor stream", async () => {
    const auditor = await signIn(server.baseUrl, demoAccounts.auditor);
    const loader = await signIn(server.baseUrl, demoAccounts.administrativo);
    const stream = await openStream(server.baseUrl, auditor);
    expect(stream.status).toBe(200);
    await stream.waitFor((event) => event.event === "presupuestos");

    const response = await fetch(`${server.baseUrl}/api/presupuestos`, {
      method: "POST",
      headers: { Cookie: loader, "Content-Type": "application/json" },
      body: JSON.stringify({
        afiliado: "Ana Prueba",
        afiliadoNumero: "40111222-01",
        prestador: "Sanatorio Güemes",
        descripcion: "Resonancia de columna lumbar",
        monto: 350000.5,
        urgente: true,
      }),
    });
    expect(response.status).toBe(201);
    const created = (await response.json()) as { id: string; numero: string };

    const update = await stream.waitFor(
      (event) => event.event === "presupuestos" && event.data.includes(created.id),
    );
    const item = (
      JSON.parse(update.data) as { pendientes: Array<{ id: string; monto: number }> }
    ).pendientes.find((pendiente) => pendiente.id === created.id);
    expect(item?.monto).toBe(350000.5);
    stream.close();
  });
});
