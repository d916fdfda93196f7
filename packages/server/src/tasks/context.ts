import type { Clock } from "@nightshift/core";
import type { ArchiveLimits } from "../archive/limits.js";
import type { BlobStore } from "../storage/blobs.js";
import type { Storage } from "../storage/types.js";
import type { TaskEventBus } from "./event-bus.js";

/** What the task workers share. */
export type TaskContext = {
  storage: Storage;
  blobs: BlobStore;
  bus: TaskEventBus;
  home: string;
  /** Where tasks' projects are unpacked (outside the home: the sandbox keeps the home read-only). */
  tasksDir: string;
  env: NodeJS.ProcessEnv;
  version: string;
  clock: Clock;
  archiveLimits: ArchiveLimits;
  log: (line: string) => void;
  /** A webhook row was committed: the dispatcher should look now. */
  webhookQueued: () => void;
  /** How often a running task's cost and time are refreshed from its run (ms). */
  progressIntervalMs: number;
};
