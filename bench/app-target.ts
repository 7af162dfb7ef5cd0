import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { hashPassword } from "../lib/auth/password";
import { createPrismaClient } from "../lib/db/prisma";
import { demoAccounts, demoPassword, signIn } from "../tests/support/auth";
import { freePort, prepareDatabase } from "../tests/support/server";
import { benchDistDir, ensureBenchBuild } from "./build";
import type { BenchOptions } from "./options";
import { spawnServer, waitForHealth } from "./server-process";
import { progress } from "./stats";
import type { Target, TargetFactory } from "./targets";

// The app as users run it: `next start` on the .next-bench build, with its
// embedded SQLite database in a temporary folder, migrated and seeded with
// the demo data plus many bench auditor accounts.

const nextBin = path.resolve("node_modules/next/dist/bin/next");
const benchPassword = "bench-password-1";
const host = "127.0.0.1";
const signInConcurrency = 4;

export const benchAccountEmail = (account: number) =>
  `bench-auditor-${account}@bench.example`;

async function seedBenchAccounts(databaseUrl: string, count: number) {
  const db = createPrismaClient(databaseUrl);
  try {
    // One hash for every account: hashing is slow on purpose.
    const passwordHash = await hashPassword(benchPassword);
    const chunk = 500;
    for (let first = 0; first < count; first += chunk) {
      const accounts = Array.from(
        { length: Math.min(chunk, count - first) },
        (_, offset) => ({
          email: benchAccountEmail(first + offset),
          name: `Bench auditor ${first + offset}`,
          passwordHash,
          rol: "auditor_medico",
        }),
      );
      await db.user.createMany({ data: accounts });
    }
  } finally {
    await db.$disconnect();
  }
}

async function signInAll(baseUrl: string, count: number): Promise<string[]> {
  const cookies: string[] = new Array<string>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const account = next++;
      cookies[account] = await signIn(
        baseUrl,
        benchAccountEmail(account),
        benchPassword,
      );
    }
  };
  await Promise.all(Array.from({ length: signInConcurrency }, worker));
  return cookies;
}

async function postJson(
  url: string,
  cookie: string,
  body: unknown,
): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: "POST",
    headers: { Cookie: cookie, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(
      `POST ${url}: HTTP ${response.status} ${text.slice(0, 300)}`,
    );
  }
  return JSON.parse(text) as Record<string, unknown>;
}

export function appTargetFactory(options: BenchOptions): TargetFactory {
  const dataDir = mkdtempSync(path.join(tmpdir(), "auditoria-bench-"));
  const baseEnv: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    NEXT_DIST_DIR: benchDistDir,
    DATA_DIR: dataDir,
    // Empty values select the embedded defaults: SQLite in DATA_DIR, its
    // generated secret, the in-process bus and the request's own host.
    DATABASE_URL: "",
    NEXTAUTH_SECRET: "",
    NEXTAUTH_URL: "",
    REDIS_URL: "",
    METRICS_TOKEN: "",
    LOG_LEVEL: options.logLevel,
  };
  if (options.maxStreamsPerUser !== null) {
    baseEnv.SSE_MAX_STREAMS_PER_USER = String(options.maxStreamsPerUser);
  }
  let sessions: { creator: string; decider: string; auditors: string[] };

  return {
    name: "app",
    async prepare() {
      ensureBenchBuild(options.rebuild);
      progress(`app: migrating and seeding ${dataDir}`);
      prepareDatabase(baseEnv);
      await seedBenchAccounts(
        `file:${path.join(dataDir, "app.db")}`,
        options.users,
      );
    },

    async start(settings): Promise<Target> {
      const port = await freePort();
      const server = await spawnServer({
        args: [nextBin, "start", "--port", String(port), "--hostname", host],
        env: {
          ...baseEnv,
          PORT: String(port),
          SSE_HEARTBEAT_MS: String(settings.heartbeatMs),
        },
        workDir: dataDir,
        fdLimit: settings.maxStreams + 4_096,
        countQueries: true,
        maxLifetimeMs: options.maxMinutes * 60_000,
      });
      const baseUrl = `http://${host}:${port}`;
      try {
        await waitForHealth(`${baseUrl}/api/health`, 60_000, server);
        if (!sessions) {
          const started = performance.now();
          sessions = {
            creator: await signIn(
              baseUrl,
              demoAccounts.administrativo,
              demoPassword,
            ),
            decider: await signIn(baseUrl, demoAccounts.auditor, demoPassword),
            auditors: await signInAll(baseUrl, options.users),
          };
          const seconds = (performance.now() - started) / 1000;
          progress(
            `app: signed in ${options.users + 2} accounts in ${seconds.toFixed(1)} s`,
          );
        }
      } catch (error) {
        await server.stop();
        throw error;
      }
      const stream = (index: number, cookie: string) => ({
        index,
        path: "/api/stream/updates",
        headers: { Cookie: cookie },
      });

      return {
        name: "app",
        host,
        port,
        server,
        countsQueries: true,
        auditorStream: (index, account) => ({
          ...stream(index, sessions.auditors[account % options.users]!),
          ready: "presupuestos",
        }),
        creatorStream: (index) => ({
          ...stream(index, sessions.creator),
          ready: "notifications",
        }),
        async create(marker) {
          const created = await postJson(
            `${baseUrl}/api/presupuestos`,
            sessions.creator,
            {
              afiliado: marker,
              afiliadoNumero: "40111222-01",
              prestador: "Sanatorio Bench",
              descripcion: "Resonancia magnética, carga del bench",
              monto: 125000.5,
              urgente: false,
            },
          );
          return String(created.id);
        },
        async decide(id) {
          await postJson(
            `${baseUrl}/api/presupuestos/${id}/decision`,
            sessions.decider,
            { decision: "APROBADO" },
          );
        },
        stop: () => server.stop(),
      };
    },

    cleanup() {
      if (options.keepData) console.log(`app: data kept in ${dataDir}`);
      else rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
