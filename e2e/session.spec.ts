import {
  type Browser,
  type BrowserContext,
  expect,
  type Page,
  test,
} from "@playwright/test";

import { newPresupuesto, request } from "../tests/support/api";
import { demoAccounts, demoPassword, signIn } from "../tests/support/auth";
import { startServer, type TestServer } from "../tests/support/server";

// What the browser does when the session ends (it expires, or an admin
// deactivates the account), that the unread badge never goes back to an
// older count, and that pages run without Content Security Policy
// violations.

type BadgeWindow = { badgeValues: string[] };

function sharedBaseUrl(): string {
  const url = process.env.E2E_BASE_URL;
  if (!url) {
    throw new Error(
      "E2E_BASE_URL is not set: run through playwright.config.ts",
    );
  }
  return url;
}

/** Records each console message that reports a CSP violation. */
function recordCspViolations(page: Page, violations: string[]): void {
  page.on("console", (message) => {
    if (message.text().includes("Content Security Policy")) {
      violations.push(message.text());
    }
  });
}

async function signInThroughForm(page: Page, email: string): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Correo electrónico").fill(email);
  await page.getByLabel("Contraseña").fill(demoPassword);
  await page.getByRole("button", { name: "Ingresar" }).click();
  await expect(
    page.getByRole("status").filter({ hasText: "Conectado" }),
  ).toBeVisible();
}

async function signedInPage(
  browser: Browser,
  baseUrl: string,
  email: string,
): Promise<Page> {
  const context = await browser.newContext({ baseURL: baseUrl });
  const page = await context.newPage();
  await signInThroughForm(page, email);
  return page;
}

/**
 * Makes the page record every value the unread badge shows, in order,
 * with "0" while no badge is shown.
 */
async function recordBadgeValues(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const values: string[] = [];
    (window as unknown as BadgeWindow).badgeValues = values;
    const read = () => {
      const badge = document.querySelector(
        '[data-testid="notification-count"]',
      );
      const value = badge?.textContent ?? "0";
      if (values.at(-1) !== value) values.push(value);
    };
    new MutationObserver(read).observe(document, {
      subtree: true,
      childList: true,
      characterData: true,
    });
  });
}

/** Returns each "from → to" step where the badge went down. */
function decreases(values: string[]): string[] {
  const numbers = values.map((value) => (value === "99+" ? 100 : +value));
  return numbers.flatMap((value, index) =>
    index > 0 && value < numbers[index - 1]!
      ? [`${values[index - 1]} → ${values[index]}`]
      : [],
  );
}

test.describe("session expiry", () => {
  let server: TestServer | undefined;

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    server = await startServer({ env: { SESSION_MAX_AGE_S: "6" } });
  });

  test.afterAll(async () => {
    await server?.stop();
  });

  test("expired session returns to login", async ({ browser }) => {
    const page = await signedInPage(
      browser,
      server!.baseUrl,
      demoAccounts.auditor,
    );
    await expect(page).toHaveURL(/\/auditoria$/);

    // The hub ends the stream within a second of expiry, and the client's
    // reconnection, after up to 3 s, gets 401 and goes to the login page.
    await expect(page).toHaveURL(/\/login/, { timeout: 25_000 });
    await page.context().close();
  });
});

test.describe("shared server", () => {
  let deactivatedId: string | undefined;

  test.afterEach(async () => {
    if (deactivatedId === undefined) return;
    const admin = await signIn(sharedBaseUrl(), demoAccounts.admin);
    const response = await request(
      sharedBaseUrl(),
      `/api/usuarios/${deactivatedId}`,
      { method: "PATCH", cookie: admin, body: { active: true } },
    );
    if (response.status !== 200) {
      throw new Error(
        `reactivating ${deactivatedId} failed: HTTP ${response.status}`,
      );
    }
    deactivatedId = undefined;
  });

  test("deactivated auditor returns to login", async ({ browser }) => {
    // auditor2, so that other specs keep auditor@example.com untouched.
    const page = await signedInPage(
      browser,
      sharedBaseUrl(),
      demoAccounts.auditor2,
    );
    await expect(page).toHaveURL(/\/auditoria$/);
    const session = await page.request.get("/api/auth/session");
    const { user } = (await session.json()) as { user: { id: string } };
    const admin = await signIn(sharedBaseUrl(), demoAccounts.admin);

    deactivatedId = user.id;
    const response = await request(
      sharedBaseUrl(),
      `/api/usuarios/${user.id}`,
      { method: "PATCH", cookie: admin, body: { active: false } },
    );

    expect(response.status).toBe(200);
    await expect(page).toHaveURL(/\/login/, { timeout: 20_000 });
    await page.context().close();
  });

  test("badge never shows older count", async ({ browser }) => {
    const baseUrl = sharedBaseUrl();
    const auditor = await signIn(baseUrl, demoAccounts.auditor);
    const loader = await signIn(baseUrl, demoAccounts.administrativo);
    await request(baseUrl, "/api/notificaciones/leer-todas", {
      method: "POST",
      cookie: auditor,
    });

    const context = await browser.newContext({ baseURL: baseUrl });
    await recordBadgeValues(context);
    // The first count request gets its response only once the test
    // releases it. That response carries the count read when the request
    // arrived, which by then is older than the stream's.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let intercepted!: (count: number) => void;
    const staleCount = new Promise<number>(
      (resolve) => (intercepted = resolve),
    );
    let delayed = false;
    await context.route("**/api/notificaciones/count", async (route) => {
      if (delayed) return route.continue();
      delayed = true;
      const response = await route.fetch();
      intercepted(((await response.json()) as { count: number }).count);
      await Promise.race([
        released,
        new Promise((resolve) => setTimeout(resolve, 20_000)),
      ]);
      await route.fulfill({ response });
    });
    const page = await context.newPage();
    await signInThroughForm(page, demoAccounts.auditor);
    expect(await staleCount).toBe(0);

    const created = await request(baseUrl, "/api/presupuestos", {
      cookie: loader,
      body: newPresupuesto(),
    });
    expect(created.status).toBe(201);
    const badge = page.getByTestId("notification-count");
    await expect(badge).toHaveText("1");
    const arrived = page.waitForResponse("**/api/notificaciones/count");
    release();
    await arrived;
    // Leaves time for SWR and React to apply the slow response, were they
    // going to.
    await page.waitForTimeout(1_000);
    const values = await page.evaluate(
      () => (window as unknown as BadgeWindow).badgeValues,
    );

    await expect(badge).toHaveText("1");
    expect(decreases(values)).toEqual([]);
    await context.close();
  });

  test("pages log no CSP violations", async ({ browser }) => {
    const violations: string[] = [];
    for (const email of [demoAccounts.auditor, demoAccounts.administrativo]) {
      const context = await browser.newContext({ baseURL: sharedBaseUrl() });
      const page = await context.newPage();
      recordCspViolations(page, violations);
      await signInThroughForm(page, email);
      await page.getByTestId("notification-bell").click();
      await expect(
        page.getByRole("region", { name: "Notificaciones" }),
      ).toBeVisible();
      await context.close();
    }

    expect(violations).toEqual([]);
  });
});
