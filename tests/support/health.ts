import { request } from "./api";

// GET /api/health, the fields that the stream tests watch.

export type Health = {
  status: string;
  draining: boolean;
  streams: { open: number };
  bus: { subscribers: number };
};

/** Returns the health body, also for a 503. Throws when the request fails. */
export async function readHealth(baseUrl: string): Promise<Health> {
  return (await request<Health>(baseUrl, "/api/health")).body;
}
