import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { freePort } from "../tests/support/server";
import { ensureFloorBuild, floorDir } from "./build";
import type { BenchOptions } from "./options";
import { spawnServer, waitForHealth } from "./server-process";
import type { Target, TargetFactory } from "./targets";

// The baselines, which send events of the same size as the app's, so that
// a difference in the figures comes from the server and not the payload:
// - "plain": bench/plain-server.mjs, node:http with no framework;
// - "next": bench/next-floor, the same logic in Next.js route handlers
//   served by `next start`, to show the framework's own cost.

const serverFile = path.resolve("bench/plain-server.mjs");
const nextBin = path.resolve("node_modules/next/dist/bin/next");
const host = "127.0.0.1";
const creatorUser = "creator";

/** Sizes taken from the app run; the defaults apply when it did not run. */
export type PayloadSizes = {
  /** Bytes of one encoded `presupuestos` event, as the clients received it. */
  presupuestosEventBytes: number;
};

/**
 * Returns `data` for a `presupuestos` event that lists `marker` (when given)
 * and is padded so that the encoded event has about `eventBytes` bytes.
 */
function presupuestosData(marker: string | null, eventBytes: number): string {
  const body = {
    pendientes: marker === null ? [] : [{ afiliado: marker }],
    total: marker === null ? 0 : 1,
    version: Date.now(),
    padding: "",
  };
  // "event: presupuestos\nid: 0-NNNNN\ndata: " and the closing "\n\n".
  const framing = 50;
  const unpadded = JSON.stringify(body).length + framing;
  body.padding = "x".repeat(Math.max(0, eventBytes - unpadded));
  return JSON.stringify(body);
}

export function baselineTargetFactory(
  name: "plain" | "next",
  options: BenchOptions,
  sizes: PayloadSizes,
): TargetFactory {
  const workDir = mkdtempSync(path.join(tmpdir(), `auditoria-bench-${name}-`));
  const prefix = name === "next" ? "/api" : "";
  let notifications = 0;

  return {
    name,
    async prepare() {
      if (name === "next") ensureFloorBuild(options.rebuild);
    },

    async start(settings): Promise<Target> {
      const port = await freePort();
      const eventBytes = sizes.presupuestosEventBytes;
      const args =
        name === "next"
          ? [
              nextBin,
              "start",
              floorDir,
              "--port",
              String(port),
              "--hostname",
              host,
            ]
          : [serverFile];
      const server = await spawnServer({
        args,
        env: {
          ...process.env,
          NODE_ENV: "production",
          NEXT_TELEMETRY_DISABLED: "1",
          PORT: String(port),
          HEARTBEAT_MS: String(settings.heartbeatMs),
          INITIAL_PRESUPUESTOS_DATA: presupuestosData(null, eventBytes),
        },
        workDir,
        fdLimit: settings.maxStreams + 4_096,
        countQueries: false,
        maxLifetimeMs: options.maxMinutes * 60_000,
      });
      const baseUrl = `http://${host}:${port}`;
      try {
        await waitForHealth(`${baseUrl}${prefix}/health`, 60_000, server);
      } catch (error) {
        await server.stop();
        throw error;
      }
      const publish = async (events: unknown[]) => {
        const response = await fetch(`${baseUrl}${prefix}/publish`, {
          method: "POST",
          body: JSON.stringify(events),
        });
        if (response.status !== 204) {
          throw new Error(`POST ${prefix}/publish: HTTP ${response.status}`);
        }
      };

      return {
        name,
        host,
        port,
        server,
        countsQueries: false,
        auditorStream: (index, account) => ({
          index,
          path: `${prefix}/stream?user=auditor-${account % options.users}`,
          headers: {},
          ready: "presupuestos",
        }),
        creatorStream: (index) => ({
          index,
          path: `${prefix}/stream?user=${creatorUser}`,
          headers: {},
          ready: "notifications",
        }),
        async create(marker) {
          await publish([
            {
              event: "presupuestos",
              data: presupuestosData(marker, eventBytes),
            },
          ]);
          return marker;
        },
        async decide() {
          notifications += 1;
          await publish([
            { event: "presupuestos", data: presupuestosData(null, eventBytes) },
            {
              event: "notifications",
              data: JSON.stringify({
                count: notifications,
                version: Date.now(),
              }),
              user: creatorUser,
            },
          ]);
        },
        stop: () => server.stop(),
      };
    },

    cleanup() {
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
