import { readFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";

import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import * as engineBindings from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { MigrationList, SchemaEngine } from "@prisma/schema-engine-wasm";

import { providerFiles, providerOf } from "./provider";

// Prisma's CLI runs migrations with a native schema engine that it downloads
// on first use. This module runs the same engine compiled to WebAssembly
// (@prisma/schema-engine-wasm, pinned to the engine version of prisma
// 7.10.0) over the app's own driver adapter, so nothing is downloaded.

const require = createRequire(import.meta.url);
const noFilters = { externalTables: [], externalEnums: [] };

let initialized = false;

/**
 * Instantiates the engine's WebAssembly module by hand. The package's own
 * entry point imports the .wasm file as an ES module, which Node.js 20
 * allows only behind --experimental-wasm-modules.
 */
function initializeWasm(): void {
  if (initialized) return;
  const entry = require.resolve("@prisma/schema-engine-wasm");
  const wasmFile = path.join(path.dirname(entry), "schema_engine_bg.wasm");
  const wasmModule = new WebAssembly.Module(readFileSync(wasmFile));
  const instance = new WebAssembly.Instance(wasmModule, {
    "./schema_engine_bg.js":
      engineBindings as unknown as WebAssembly.ModuleImports,
  });
  const bindings = engineBindings as unknown as {
    __wbg_set_wasm(exports: WebAssembly.Exports): void;
  };
  bindings.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  initialized = true;
}

export type EngineLog = (line: string) => void;

type ErrorRegistry = ReturnType<
  typeof bindMigrationAwareSqlAdapterFactory
>["errorRegistry"];

type OpenEngine = {
  engine: SchemaEngine;
  errors: ErrorRegistry;
  /** Closes the database connections the engine opened. */
  dispose: () => Promise<void>;
};

/**
 * Opens a schema engine on the database at `databaseUrl`. The engine never
 * closes its connections itself (engine.free() leaves the SQLite file
 * open, and its lock then blocks the next writer), so every connection it
 * opens is recorded here and closed by dispose().
 */
async function openSchemaEngine(
  databaseUrl: string,
  log: EngineLog = () => {},
): Promise<OpenEngine> {
  initializeWasm();
  const { schema: schemaPath } = providerFiles[providerOf(databaseUrl)];
  const schema = readFileSync(schemaPath, "utf8");
  const base =
    providerOf(databaseUrl) === "postgresql"
      ? new PrismaPg({ connectionString: databaseUrl })
      : new PrismaBetterSqlite3({ url: databaseUrl });
  const opened: Array<{ dispose(): Promise<void> }> = [];
  const tracked: SqlMigrationAwareDriverAdapterFactory = {
    provider: base.provider,
    adapterName: base.adapterName,
    connect: async () => {
      const adapter = await base.connect();
      opened.push(adapter);
      return adapter;
    },
    connectToShadowDb: async () => {
      const adapter = await base.connectToShadowDb();
      opened.push(adapter);
      return adapter;
    },
  };
  const factory = bindMigrationAwareSqlAdapterFactory(tracked);
  const engineClass = (
    engineBindings as unknown as { SchemaEngine: typeof SchemaEngine }
  ).SchemaEngine;
  const engine = await engineClass.new(
    { datamodels: [[schemaPath, schema]] },
    log,
    factory,
  );
  const dispose = async () => {
    engine.free();
    await Promise.all(opened.map((adapter) => adapter.dispose()));
  };
  return { engine, errors: factory.errorRegistry, dispose };
}

/**
 * Runs one engine call. The engine reports driver errors only as
 * "External error id#N", so the driver's own error is looked up and added.
 */
async function runEngine<T>(
  databaseUrl: string,
  log: EngineLog | undefined,
  call: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const { engine, errors, dispose } = await openSchemaEngine(databaseUrl, log);
  try {
    return await call(engine);
  } catch (error) {
    const message = String((error as Error).message ?? error);
    const id = /External error id#(\d+)/.exec(message)?.[1];
    const cause = id ? errors.consumeError(Number(id))?.error : undefined;
    if (cause === undefined) throw error;
    throw new Error(`${message.split("\n")[0]} ${describe(cause)}`, {
      cause,
    });
  } finally {
    await dispose();
  }
}

function describe(cause: unknown): string {
  if (cause instanceof Error) return cause.message;
  return JSON.stringify(cause);
}

/** Reads a migrations folder in the shape the engine expects. */
export async function readMigrations(
  migrationsDir: string,
): Promise<MigrationList> {
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch(
    () => [],
  );
  const directories = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const migrationDirectories = await Promise.all(
    directories.map(async (name) => {
      const file = path.join(migrationsDir, name, "migration.sql");
      const content = await readFile(file, "utf8").then(
        (text) => ({ tag: "ok" as const, value: text }),
        (error: Error) => ({ tag: "error" as const, value: error.message }),
      );
      return {
        path: name,
        migrationFile: { path: "migration.sql", content },
      };
    }),
  );
  const lockfilePath = path.join(migrationsDir, "migration_lock.toml");
  const lockfile = await readFile(lockfilePath, "utf8").catch(() => null);
  return {
    baseDir: migrationsDir,
    lockfile: { path: "migration_lock.toml", content: lockfile },
    shadowDbInitScript: "",
    migrationDirectories,
  };
}

/** Applies the pending migrations and returns their names. */
export async function applyMigrations(
  databaseUrl: string,
  log?: EngineLog,
): Promise<string[]> {
  const { migrations } = providerFiles[providerOf(databaseUrl)];
  const migrationsList = await readMigrations(migrations);
  const output = await runEngine(databaseUrl, log, (engine) =>
    engine.applyMigrations({ migrationsList, filters: noFilters }),
  );
  return output.appliedMigrationNames;
}

/**
 * Returns the SQL that takes a database from the `from` schema (null: an
 * empty database) to the `to` schema, or "" when they match. Both are
 * Prisma schema texts of the provider of `databaseUrl`. The diff needs no
 * database: the WebAssembly engine cannot introspect PostgreSQL through the
 * pg adapter (its catalog queries return columns of type "char", which the
 * adapter does not map), so migrations are diffed schema to schema.
 */
export async function diffSchemas(
  databaseUrl: string,
  from: string | null,
  to: string,
): Promise<string> {
  const target = (content: string) => ({
    tag: "schemaDatamodel" as const,
    files: [{ path: "schema.prisma", content }],
  });
  const result = await runEngine(databaseUrl, undefined, (engine) =>
    engine.diff({
      from: from === null ? { tag: "empty" } : target(from),
      to: target(to),
      script: true,
      exitCode: null,
      filters: noFilters,
    }),
  );
  const sql = result.stdout ?? "";
  return sql.includes("empty migration") ? "" : sql;
}
