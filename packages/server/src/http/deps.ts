import type { HttpBindings } from "@hono/node-server";
import type { Clock } from "@nightshift/core";
import type { Context } from "hono";
import type { ArchiveLimits } from "../archive/limits.js";
import type { BlobStore } from "../storage/blobs.js";
import type { ApiKeyRow, Storage } from "../storage/types.js";
import type { TaskEventBus } from "../tasks/event-bus.js";

/** What the HTTP face needs: storage, the workers (to wake and cancel), and its limits. */
export type AppDeps = {
  storage: Storage;
  blobs: BlobStore;
  bus: TaskEventBus;
  engine: { wake(): void; cancel(taskId: string): Promise<void> };
  clock: Clock;
  home: string;
  version: string;
  maxUploadBytes: number;
  archiveLimits: ArchiveLimits;
  allowPrivateWebhooks: boolean;
  /** The folder of the web page's files, or null for none. */
  webRoot: string | null;
  /** Seconds between keep-alive comments on an event stream. */
  sseKeepAliveS: number;
  /**
   * How often live event streams re-read stored events (absent: only this process's own events,
   * as they happen). Set when workers in other processes run the tasks.
   */
  eventPollS?: number;
  log: (line: string) => void;
  /** False until the workers have started (GET /healthz answers 503 until then). */
  ready?: () => boolean;
};

export type Env = { Bindings: HttpBindings; Variables: { key: ApiKeyRow } };
export type Ctx = Context<Env>;
