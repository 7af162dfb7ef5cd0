import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

import { Redis } from "ioredis";

// Finds the Redis connections of one test server, so that a test can kill
// them and leave every other client of the shared Redis server alone. A
// connection belongs to a server when its name has the app's prefix, it
// was not there before the server started, and its socket is open in the
// server's process. Reads /proc, so it works on Linux only.

/** The local Redis server that CI provides. */
export const redisUrl = "redis://127.0.0.1:6379";

/** Prefix of the connection names that lib/bus/redis.ts sets. */
export const appConnectionPrefix = "auditoria-";

/** One line of `CLIENT LIST`, as field-value pairs. */
export type RedisClientInfo = Record<string, string>;

/** Returns a channel name that no other test run uses. */
export function uniqueChannel(label: string): string {
  return `auditoria-test:${label}:${randomUUID()}`;
}

/** Opens a test-side client whose name never matches the app's prefix. */
export function openTestRedis(): Redis {
  return new Redis(redisUrl, {
    connectionName: "test-client",
    maxRetriesPerRequest: 1,
  });
}

export async function listClients(redis: Redis): Promise<RedisClientInfo[]> {
  const text = (await redis.call("CLIENT", "LIST")) as string;
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => {
      const fields: RedisClientInfo = {};
      for (const pair of line.trim().split(" ")) {
        const index = pair.indexOf("=");
        fields[pair.slice(0, index)] = pair.slice(index + 1);
      }
      return fields;
    });
}

/** Returns the names of the app's connections, taken before a server starts. */
export async function appConnectionNames(redis: Redis): Promise<Set<string>> {
  const clients = await listClients(redis);
  return new Set(
    clients
      .map((client) => client.name ?? "")
      .filter((name) => name.startsWith(appConnectionPrefix)),
  );
}

/** Returns the inodes of the sockets that process `pid` has open. */
function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    let target: string;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      // Closed between the listing and the read.
      continue;
    }
    const match = /^socket:\[(\d+)\]$/.exec(target);
    if (match) inodes.add(match[1]!);
  }
  return inodes;
}

/** Maps each local TCP address (`ip:port`, IPv4) to its socket inode. */
function tcpInodesByLocalAddress(): Map<string, string> {
  const inodes = new Map<string, string>();
  const rows = readFileSync("/proc/net/tcp", "utf8").split("\n").slice(1);
  for (const row of rows) {
    const columns = row.trim().split(/\s+/);
    if (columns.length < 10) continue;
    const [hexIp, hexPort] = columns[1]!.split(":") as [string, string];
    // /proc/net/tcp stores the IPv4 address in host (little-endian) order.
    const ip = hexIp
      .match(/../g)!
      .reverse()
      .map((byte) => parseInt(byte, 16))
      .join(".");
    inodes.set(`${ip}:${parseInt(hexPort, 16)}`, columns[9]!);
  }
  return inodes;
}

/**
 * Returns the app connections of the server process `pid` from `CLIENT
 * LIST`. `namesBefore` are the app connection names seen before that server
 * started, which can never be its own.
 */
export async function serverClients(
  redis: Redis,
  pid: number,
  namesBefore: Set<string>,
): Promise<RedisClientInfo[]> {
  const clients = await listClients(redis);
  const owned = socketInodes(pid);
  const byAddress = tcpInodesByLocalAddress();
  return clients.filter((client) => {
    const name = client.name ?? "";
    if (!name.startsWith(appConnectionPrefix)) return false;
    if (namesBefore.has(name)) return false;
    const inode = byAddress.get(client.addr ?? "");
    return inode !== undefined && owned.has(inode);
  });
}

/** True for the connection that is subscribed to the bus channel. */
export function isSubscriber(client: RedisClientInfo): boolean {
  return client.sub === "1" || client.cmd === "subscribe";
}

/** Kills the connection with `CLIENT KILL ID` and returns the number killed. */
export async function killClient(
  redis: Redis,
  client: RedisClientInfo,
): Promise<number> {
  return (await redis.call("CLIENT", "KILL", "ID", client.id!)) as number;
}
