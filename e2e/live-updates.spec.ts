import { type Browser, expect, type Page, test } from "@playwright/test";

const password = "demo1234";

function baseUrl(): string {
  const url = process.env.E2E_BASE_URL;
  if (!url)
    throw new Error(
      "E2E_BASE_URL is not set: run through playwright.config.ts",
    );
  return url;
}

async function signedInPage(browser: Browser, email: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: baseUrl() });
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByLabel("Correo electrónico").fill(email);
  await page.getByLabel("Contraseña").fill(password);
  await page.getByRole("button", { name: "Ingresar" }).click();
  await expect(
    page.getByRole("status").filter({ hasText: "Conectado" }),
  ).toBeVisible();
  return page;
}

async function badgeCount(page: Page): Promise<number> {
  const badge = page.getByTestId("notification-count");
  if ((await badge.count()) === 0) return 0;
  return Number(await badge.textContent());
}

test("presupuesto flows live between roles", async ({ browser }) => {
  const auditor = await signedInPage(browser, "auditor@example.com");
  await expect(auditor).toHaveURL(/\/auditoria$/);
  const loader = await signedInPage(browser, "administrativo@example.com");
  await expect(loader).toHaveURL(/\/presupuestos$/);

  const afiliado = `Paciente E2E ${Date.now()}`;
  await loader.getByLabel("Afiliado (nombre y apellido)").fill(afiliado);
  await loader.getByLabel("Número de afiliado").fill("40999888-01");
  await loader.getByLabel("Prestador").fill("Hospital Alemán");
  await loader.getByLabel("Monto en pesos").fill("1.250.000,50");
  await loader
    .getByLabel("Descripción del tratamiento")
    .fill("Prótesis de rodilla con internación");
  await loader.getByLabel("Urgente").check();
  await loader.getByRole("button", { name: "Cargar presupuesto" }).click();
  await expect(
    loader.getByText(/Presupuesto P-\d{4}-\d{6} cargado/),
  ).toBeVisible();

  // The auditor's queue shows it without a reload, highlighted as new.
  const item = auditor.getByTestId("pendiente").filter({ hasText: afiliado });
  await expect(item).toBeVisible();
  await expect(item.getByText("Nuevo")).toBeVisible();
  await expect(item.getByText("$ 1.250.000,50")).toBeVisible();

  const before = await badgeCount(loader);
  await item.getByRole("textbox").fill("Cobertura según PMO.");
  await item.getByRole("button", { name: "Aprobar" }).click();
  await expect(item).toHaveCount(0);

  // The administrativo's badge goes up and the state changes, no reload.
  await expect.poll(() => badgeCount(loader)).toBe(before + 1);
  const row = loader
    .getByTestId("own-presupuestos")
    .locator("tr", { hasText: afiliado });
  await expect(row.getByTestId("estado")).toHaveText("Aprobado");

  await loader.getByTestId("notification-bell").click();
  await expect(
    loader.getByRole("region", { name: "Notificaciones" }),
  ).toContainText("Cobertura según PMO.");
});
