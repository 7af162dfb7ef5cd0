import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { EnvError, getEnv, loadEnv } from "./env";

const secret = "unit-test-secret-0123456789abcdef";

let dataDir: string;

beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), "auditoria-env-"));
});

afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

type Source = Record<string, string>;

/**
 * Calls loadEnv on a plain object. Next.js types NODE_ENV as required in
 * NodeJS.ProcessEnv, and most cases here leave it unset.
 */
function load(source: Source) {
  return loadEnv(source as unknown as NodeJS.ProcessEnv);
}

/** Returns the EnvError that loadEnv throws for `source`. */
function loadError(source: Source): EnvError {
  let thrown: unknown;
  try {
    load(source);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(EnvError);
  return thrown as EnvError;
}

describe("loadEnv defaults", () => {
  it("fills every default", () => {
    const env = load({ NEXTAUTH_SECRET: secret });
    const defaultDir = path.resolve("data");
    expect(env).toMatchObject({
      NODE_ENV: "development",
      DATA_DIR: defaultDir,
      DATABASE_URL: `file:${path.join(defaultDir, "app.db")}`,
      NEXTAUTH_SECRET: secret,
      PORT: 3000,
      LOG_LEVEL: "info",
      SHUTDOWN_TIMEOUT_MS: 10_000,
      SSE_HEARTBEAT_MS: 30_000,
      SSE_RETRY_MS: 3_000,
      SSE_COALESCE_MS: 100,
      PENDIENTES_LIMIT: 200,
      SESSION_MAX_AGE_S: 28_800,
      embedded: true,
    });
  });

  it("treats empty DATABASE_URL as unset", () => {
    const env = load({
      NEXTAUTH_SECRET: secret,
      DATA_DIR: dataDir,
      DATABASE_URL: "",
    });
    expect(env.embedded).toBe(true);
  });

  it("treats empty NEXTAUTH_URL as unset", () => {
    const env = load({ NEXTAUTH_SECRET: secret, NEXTAUTH_URL: "" });
    expect(env.NEXTAUTH_URL).toBeUndefined();
  });

  it("reads HOST", () => {
    const env = load({ NEXTAUTH_SECRET: secret, HOST: "127.0.0.1" });
    expect(env.HOST).toBe("127.0.0.1");
  });

  it("treats an empty number as unset", () => {
    const env = load({ NEXTAUTH_SECRET: secret, PORT: "" });
    expect(env.PORT).toBe(3000);
  });

  it("resolves DATA_DIR to absolute", () => {
    const env = load({ NEXTAUTH_SECRET: secret, DATA_DIR: "var/db" });
    expect(env.DATA_DIR).toBe(path.resolve("var/db"));
  });

  it("reads numbers from strings", () => {
    const env = load({
      NEXTAUTH_SECRET: secret,
      PORT: "8080",
      PENDIENTES_LIMIT: "50",
      SSE_HEARTBEAT_MS: "15000",
    });
    expect(env.PORT).toBe(8080);
    expect(env.PENDIENTES_LIMIT).toBe(50);
    expect(env.SSE_HEARTBEAT_MS).toBe(15_000);
  });
});

describe("loadEnv DATABASE_URL", () => {
  it.each([
    "file:/srv/auditoria/app.db",
    "postgresql://app:secret@db:5432/auditoria",
    "postgres://app@db/auditoria",
  ])("accepts %s", (url) => {
    const env = load({ DATABASE_URL: url, NEXTAUTH_SECRET: secret });
    expect(env.DATABASE_URL).toBe(url);
    expect(env.embedded).toBe(false);
  });

  it("rejects another scheme", () => {
    const error = loadError({
      DATABASE_URL: "mysql://db/auditoria",
      NEXTAUTH_SECRET: secret,
    });
    expect(error.message).toBe(
      "Invalid environment: DATABASE_URL: must start with file: (SQLite) " +
        "or postgresql:// (PostgreSQL)",
    );
  });

  it("requires NEXTAUTH_SECRET with it", () => {
    const error = loadError({
      DATABASE_URL: "file:/srv/auditoria/app.db",
      DATA_DIR: dataDir,
    });
    expect(error.message).toBe(
      "NEXTAUTH_SECRET is missing. Set it to a random string of at least " +
        "32 characters (for example `openssl rand -base64 32`); every " +
        "instance must share the same value.",
    );
  });

  it("writes no secret file then", () => {
    loadError({
      DATABASE_URL: "file:/srv/auditoria/app.db",
      DATA_DIR: dataDir,
    });
    expect(readdirSync(dataDir)).toEqual([]);
  });
});

describe("loadEnv invalid values", () => {
  it.each([
    ["PORT", "abc"],
    ["PORT", "0"],
    ["PORT", "-1"],
    ["PORT", "80.5"],
    ["PENDIENTES_LIMIT", "many"],
    ["SSE_HEARTBEAT_MS", "1e400"],
    ["SESSION_MAX_AGE_S", "-3600"],
  ])("rejects %s=%s", (name, value) => {
    const error = loadError({ NEXTAUTH_SECRET: secret, [name]: value });
    expect(error.message).toMatch(
      new RegExp(`^Invalid environment: ${name}: `),
    );
  });

  it("rejects a REDIS_URL without redis://", () => {
    const error = loadError({
      NEXTAUTH_SECRET: secret,
      REDIS_URL: "http://cache:6379",
    });
    expect(error.message).toBe(
      "Invalid environment: REDIS_URL: must start with redis:// or rediss://",
    );
  });

  it("rejects a short METRICS_TOKEN", () => {
    const error = loadError({
      NEXTAUTH_SECRET: secret,
      METRICS_TOKEN: "short",
    });
    expect(error.message).toBe(
      "Invalid environment: METRICS_TOKEN: must be at least 16 characters",
    );
  });

  it("rejects an unknown LOG_LEVEL", () => {
    const error = loadError({ NEXTAUTH_SECRET: secret, LOG_LEVEL: "verbose" });
    expect(error.message).toMatch(/^Invalid environment: LOG_LEVEL: /);
  });

  it("rejects an unknown NODE_ENV", () => {
    const error = loadError({ NEXTAUTH_SECRET: secret, NODE_ENV: "staging" });
    expect(error.message).toMatch(/^Invalid environment: NODE_ENV: /);
  });

  it("names every invalid variable", () => {
    const error = loadError({
      NEXTAUTH_SECRET: secret,
      PORT: "abc",
      PENDIENTES_LIMIT: "0",
    });
    expect(error.message).toMatch(/PORT: .*; PENDIENTES_LIMIT: /);
  });
});

describe("loadEnv embedded secret", () => {
  it("generates the secret file", () => {
    const env = load({ DATA_DIR: dataDir });
    const file = path.join(dataDir, "nextauth-secret");
    expect(readFileSync(file, "utf8")).toBe(env.NEXTAUTH_SECRET);
    expect(env.NEXTAUTH_SECRET).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("creates the file with mode 0600", () => {
    load({ DATA_DIR: dataDir });
    const mode = statSync(path.join(dataDir, "nextauth-secret")).mode;
    expect(mode & 0o777).toBe(0o600);
  });

  it("creates a missing DATA_DIR", () => {
    const nested = path.join(dataDir, "a", "b");
    load({ DATA_DIR: nested });
    expect(readdirSync(nested)).toEqual(["nextauth-secret"]);
  });

  it("reuses the secret file", () => {
    const first = load({ DATA_DIR: dataDir });
    const second = load({ DATA_DIR: dataDir });
    expect(second.NEXTAUTH_SECRET).toBe(first.NEXTAUTH_SECRET);
  });

  it("leaves no temporary file", () => {
    load({ DATA_DIR: dataDir });
    load({ DATA_DIR: dataDir });
    expect(readdirSync(dataDir)).toEqual(["nextauth-secret"]);
  });

  it("reads an existing file trimmed", () => {
    const existing = "x".repeat(40);
    writeFileSync(path.join(dataDir, "nextauth-secret"), `${existing}\n`);
    expect(load({ DATA_DIR: dataDir }).NEXTAUTH_SECRET).toBe(existing);
  });

  it("rejects a short secret file", () => {
    const file = path.join(dataDir, "nextauth-secret");
    writeFileSync(file, "too-short");
    const error = loadError({ DATA_DIR: dataDir });
    expect(error.message).toBe(
      `The session secret in ${file} is shorter than 32 characters. ` +
        "Delete the file to have a new one generated.",
    );
  });

  it("prefers NEXTAUTH_SECRET to the file", () => {
    const env = load({ DATA_DIR: dataDir, NEXTAUTH_SECRET: secret });
    expect(env.NEXTAUTH_SECRET).toBe(secret);
    expect(readdirSync(dataDir)).toEqual([]);
  });
});

describe("loadEnv AUTH_TRUST_HOST", () => {
  it("sets it without NEXTAUTH_URL", () => {
    const source: Source = { NEXTAUTH_SECRET: secret };
    load(source);
    expect(source.AUTH_TRUST_HOST).toBe("true");
  });

  it("leaves it unset with NEXTAUTH_URL", () => {
    const source: Source = {
      NEXTAUTH_SECRET: secret,
      NEXTAUTH_URL: "https://auditoria.example.com",
    };
    load(source);
    expect(source.AUTH_TRUST_HOST).toBeUndefined();
  });

  it("keeps an explicit value", () => {
    const source: Source = {
      NEXTAUTH_SECRET: secret,
      AUTH_TRUST_HOST: "false",
    };
    load(source);
    expect(source.AUTH_TRUST_HOST).toBe("false");
  });
});

describe("getEnv", () => {
  const cacheKey = Symbol.for("auditoria.env");
  type EnvCache = { [cacheKey]?: unknown };
  const names = ["DATA_DIR", "DATABASE_URL", "NEXTAUTH_SECRET", "PORT"];
  let saved: Array<[string, string | undefined]>;

  beforeEach(() => {
    saved = names.map((name) => [name, process.env[name]]);
    delete (globalThis as EnvCache)[cacheKey];
  });

  afterEach(() => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    delete (globalThis as EnvCache)[cacheKey];
  });

  it("parses process.env once", () => {
    Object.assign(process.env, {
      DATA_DIR: dataDir,
      DATABASE_URL: `file:${path.join(dataDir, "test.db")}`,
      NEXTAUTH_SECRET: secret,
      PORT: "4100",
    });
    const first = getEnv();
    process.env.PORT = "4200";
    expect(first.PORT).toBe(4100);
    expect(getEnv()).toBe(first);
  });
});
