import type { Clock } from "@nightshift/core";
import type { ArchiveLimits } from "./archive/limits.js";
import type { AppDeps } from "./http/deps.js";
import { queueScheduler } from "./scaleout/queue-scheduler.js";
import { startWorkerPool } from "./scaleout/worker-pool.js";
import type { OpenedStorage } from "./storage/open-storage.js";
import type { SecretBox } from "./storage/secrets.js";
import { TaskEngine } from "./tasks/engine.js";
import type { TaskEventBus } from "./tasks/event-bus.js";
import { WebhookDispatcher } from "./webhooks/dispatcher.js";
import { httpSender } from "./webhooks/send.js";

/** Who works on the server's tasks and sends its webhooks: this process, or pg-boss workers. */
export type ServerWorkers = {
  /** What the HTTP face asks of them (a new task, a cancel). */
  scheduler: AppDeps["engine"];
  start(): Promise<void>;
  /** Running tasks checkpoint (to resume at the next start, or on another worker); then they close. */
  stop(): Promise<void>;
};

export type WorkerSettings = {
  home: string;
  tasksDir: string;
  env: NodeJS.ProcessEnv;
  version: string;
  /** Tasks worked on at once in this process (0 with PostgreSQL: an API-only server). */
  concurrency: number;
  /** The postgres:// URL, when the storage is PostgreSQL. */
  url?: string;
  allowPrivateWebhooks: boolean;
  webhookTimeoutMs: number;
  progressIntervalMs: number;
  archiveLimits: ArchiveLimits;
  box: SecretBox;
  bus: TaskEventBus;
  clock: Clock;
  log: (line: string) => void;
};

/**
 * On SQLite the server's own task engine and webhook dispatcher; on PostgreSQL a pg-boss worker
 * pool (which sweeps for open tasks and drains the shared outbox) with the API queueing segments.
 */
export async function startServerWorkers(
  opened: OpenedStorage,
  settings: WorkerSettings,
): Promise<ServerWorkers> {
  if (opened.kind === "postgres") {
    const pool = await startWorkerPool({
      url: settings.url!,
      storage: opened.storage,
      blobs: opened.blobs,
      home: settings.home,
      tasksDir: settings.tasksDir,
      env: settings.env,
      version: settings.version,
      concurrency: settings.concurrency,
      bus: settings.bus,
      clock: settings.clock,
      archiveLimits: settings.archiveLimits,
      allowPrivateWebhooks: settings.allowPrivateWebhooks,
      webhookTimeoutMs: settings.webhookTimeoutMs,
      progressIntervalMs: settings.progressIntervalMs,
      log: settings.log,
    });
    const scheduler = queueScheduler({
      storage: opened.storage,
      queue: pool.queue,
      ctx: {
        storage: opened.storage,
        blobs: opened.blobs,
        bus: settings.bus,
        clock: settings.clock,
        webhookQueued: () => {},
      },
      log: settings.log,
    });
    return { scheduler, start: async () => {}, stop: () => pool.stop() };
  }
  const { storage, blobs } = opened;
  const webhooks = new WebhookDispatcher({
    storage,
    box: settings.box,
    clock: settings.clock,
    log: settings.log,
    send: httpSender({
      timeoutMs: settings.webhookTimeoutMs,
      allowPrivate: settings.allowPrivateWebhooks,
      userAgent: `nightshift/${settings.version}`,
    }),
  });
  const engine = new TaskEngine(
    {
      storage,
      blobs,
      bus: settings.bus,
      home: settings.home,
      tasksDir: settings.tasksDir,
      env: settings.env,
      version: settings.version,
      clock: settings.clock,
      archiveLimits: settings.archiveLimits,
      log: settings.log,
      webhookQueued: () => webhooks.wake(),
      progressIntervalMs: settings.progressIntervalMs,
    },
    settings.concurrency,
  );
  return {
    scheduler: engine,
    async start() {
      await engine.start();
      webhooks.start();
    },
    async stop() {
      await engine.drain();
      await webhooks.stop();
    },
  };
}
