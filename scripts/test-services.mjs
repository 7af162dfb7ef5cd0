// Checks that the PostgreSQL and Redis servers the tests use are reachable
// before any suite starts, so a missing service fails in one clear line.
import { connect } from "node:net";

const services = [
  {
    name: "PostgreSQL",
    url:
      process.env.TEST_POSTGRES_ADMIN_URL ??
      "postgresql://postgres@127.0.0.1:5432/postgres",
    hint: "start it, or set TEST_POSTGRES_ADMIN_URL to a server where the user may CREATE DATABASE",
  },
  {
    name: "Redis",
    url: process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379",
    hint: "start it, or set TEST_REDIS_URL",
  },
];

function reachable(url) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({
      host: hostname,
      port: Number(port),
      timeout: 2_000,
    });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", () => resolve(false));
  });
}

export async function requireServices() {
  for (const service of services) {
    if (!(await reachable(service.url))) {
      const where = new URL(service.url).host;
      console.error(
        `${service.name} is not reachable at ${where}: ${service.hint}.`,
      );
      process.exit(1);
    }
  }
}
