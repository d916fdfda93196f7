import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Clock, systemClock } from "@nightshift/core";
import { type ArchiveLimits, DEFAULT_ARCHIVE_LIMITS } from "../archive/limits.js";
import { serverPaths } from "../storage/paths.js";
import type { SharedBlobStore } from "../storage/postgres/pg-blobs.js";
import type { PostgresStorage } from "../storage/postgres/pg-storage.js";
import { fileSecretBox } from "../storage/secrets.js";
import type { TaskContext } from "../tasks/context.js";
import { TaskEventBus } from "../tasks/event-bus.js";
import { OPEN_STATUSES } from "../tasks/finalize.js";
import { WebhookDispatcher } from "../webhooks/dispatcher.js";
import { httpSender } from "../webhooks/send.js";
import { runSegment, type SegmentResult } from "./segment.js";
import {
  DEFAULT_QUEUE_TIMING,
  openTaskQueue,
  type QueueTiming,
  SEGMENT_QUEUE,
  type TaskQueue,
} from "./task-queue.js";

export type WorkerPoolOptions = {
  /** The postgres:// URL (pg-boss opens its own pool on it). */
  url: string;
  storage: PostgresStorage;
  blobs: SharedBlobStore;
  home: string;
  /** Where tasks' projects are unpacked (outside the home; default `<home>-tasks`). */
  tasksDir?: string;
  env: NodeJS.ProcessEnv;
  version: string;
  /** Segments run at once in this process (0: none; the process only keeps the queue and outbox moving). */
  concurrency: number;
  /** A segment's length before it checkpoints and goes back to the queue (default 30 minutes). */
  segmentMs?: number;
  timing?: Partial<QueueTiming>;
  /** How often every open task is checked to have its segment queued (default 30 s). */
  sweepMs?: number;
  /** How often a running segment checks its lease and for a cancel (default 2 s). */
  watchMs?: number;
  allowPrivateWebhooks?: boolean;
  webhookTimeoutMs?: number;
  /** The bus of the process's HTTP face, when there is one (its event streams see local runs live). */
  bus?: TaskEventBus;
  clock?: Clock;
  archiveLimits?: ArchiveLimits;
  progressIntervalMs?: number;
  log: (line: string) => void;
  onSegment?: (result: SegmentResult) => void;
};

export type WorkerPool = {
  worker: string;
  queue: TaskQueue;
  /** Queues a segment for every open task that has none (new tasks, and any a lost job left out). */
  sweep(): Promise<number>;
  /** Running segments checkpoint, store their state and queue their next segment; then everything closes. */
  stop(): Promise<void>;
};

export const DEFAULT_SEGMENT_MS = 30 * 60_000;

/**
 * The workers of one process on PostgreSQL: takes segment jobs from pg-boss (up to `concurrency`
 * at once, heartbeats sent while they run), sends the webhook outbox when this process has the
 * server's key, and sweeps for open tasks without a queued segment. Any number of these, on any
 * number of machines, share one database.
 */
export async function startWorkerPool(options: WorkerPoolOptions): Promise<WorkerPool> {
  const clock = options.clock ?? systemClock;
  const log = options.log;
  const timing = { ...DEFAULT_QUEUE_TIMING, ...options.timing };
  const worker = `${os.hostname()}:${path.resolve(options.home)}`;
  const queue = await openTaskQueue({
    url: options.url,
    timing,
    maxConnections: Math.max(4, options.concurrency + 2),
    applicationName: "nightshift-queue",
    supervise: true,
    log,
  });
  const webhooks = outboxDispatcher(options, clock);
  const ctx: TaskContext = {
    storage: options.storage,
    blobs: options.blobs,
    bus: options.bus ?? new TaskEventBus(),
    home: options.home,
    tasksDir: serverPaths(options.home, undefined, options.tasksDir).tasks,
    env: options.env,
    version: options.version,
    clock,
    archiveLimits: options.archiveLimits ?? DEFAULT_ARCHIVE_LIMITS,
    log,
    webhookQueued: () => webhooks?.wake(),
    progressIntervalMs: options.progressIntervalMs ?? 2000,
  };
  const stopping = new AbortController();
  const segmentDeps = {
    ctx,
    storage: options.storage,
    blobs: options.blobs,
    queue,
    worker,
    segmentMs: options.segmentMs ?? DEFAULT_SEGMENT_MS,
    watchMs: options.watchMs ?? 2000,
    stopping: stopping.signal,
  };
  if (options.concurrency > 0) {
    await queue.boss.work<{ task_id: string }>(
      SEGMENT_QUEUE,
      {
        localConcurrency: options.concurrency,
        batchSize: 1,
        pollingIntervalSeconds: timing.pollSeconds,
      },
      async ([job]) => {
        const result = await runSegment(segmentDeps, job!);
        options.onSegment?.(result);
        return result;
      },
    );
  }
  const sweep = async () => {
    let queued = 0;
    for (const task of await options.storage.tasksInStatus(OPEN_STATUSES, 1000)) {
      if (await queue.enqueue(task.id)) queued++;
    }
    return queued;
  };
  await sweep();
  webhooks?.start();
  const sweeper = new AbortController();
  const sweeping = (async () => {
    while (!sweeper.signal.aborted) {
      await clock.sleep(options.sweepMs ?? 30_000, sweeper.signal).catch(() => {});
      if (!sweeper.signal.aborted)
        await sweep().catch((err: unknown) => log(`sweep: ${(err as Error).message}`));
    }
  })();
  let stopped: Promise<void> | null = null;
  return {
    worker,
    queue,
    sweep,
    stop() {
      stopped ??= (async () => {
        sweeper.abort();
        stopping.abort();
        await sweeping;
        await queue.stop({ graceful: true });
        await webhooks?.stop();
      })();
      return stopped;
    },
  };
}

/**
 * The outbox is drained by every process that holds the server's key (`serve-secret.key` under its
 * home, copied from the serve machine): without it this process cannot sign, and leaves the
 * webhooks to those that can.
 */
function outboxDispatcher(options: WorkerPoolOptions, clock: Clock): WebhookDispatcher | null {
  const keyFile = serverPaths(options.home).secretKey;
  if (!fs.existsSync(keyFile)) {
    options.log(`no ${keyFile}: webhooks are left to the processes that have the server's key`);
    return null;
  }
  return new WebhookDispatcher({
    storage: options.storage,
    box: fileSecretBox(keyFile),
    clock,
    log: options.log,
    idleMs: 5000,
    send: httpSender({
      timeoutMs: options.webhookTimeoutMs ?? 15_000,
      allowPrivate: options.allowPrivateWebhooks ?? false,
      userAgent: `nightshift/${options.version}`,
    }),
  });
}
