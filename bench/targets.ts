import type { StreamSpec } from "./client-pool";
import type { TargetName } from "./options";
import type { ServerProcess } from "./server-process";

/** A running server under test, with the few operations the phases use. */
export type Target = {
  name: TargetName;
  host: string;
  port: number;
  server: ServerProcess;
  /** Whether it has a database whose statements the probe counts. */
  countsQueries: boolean;
  /** A stream of bench auditor account `account`, as stream `index`. */
  auditorStream: (index: number, account: number) => StreamSpec;
  /** The stream of the user who creates items and is notified of decisions. */
  creatorStream: (index: number) => StreamSpec;
  /** Creates a pending item whose list entry contains `marker`; returns its id. */
  create: (marker: string) => Promise<string>;
  /** Decides the item: it leaves the pending lists and its creator is notified. */
  decide: (id: string) => Promise<void>;
  stop: () => Promise<void>;
};

export type ServerSettings = {
  heartbeatMs: number;
  /** Streams the server must be able to hold (for its fd limit). */
  maxStreams: number;
};

/** Starts servers of one kind; prepare() runs once before the first start. */
export type TargetFactory = {
  name: TargetName;
  prepare: () => Promise<void>;
  start: (settings: ServerSettings) => Promise<Target>;
  cleanup: () => void;
};
