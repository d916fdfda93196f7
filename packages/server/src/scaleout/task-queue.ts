import type pg from "pg";
import { type Job, PgBoss } from "pg-boss";

/** The pg-boss queue of task segments: one job is one segment of one task. */
export const SEGMENT_QUEUE = "nightshift-task-segments";

export type SegmentJobData = { task_id: string };

export type QueueTiming = {
  /** A job whose worker sent no heartbeat for this long goes back to the queue (pg-boss: ≥ 10). */
  heartbeatSeconds: number;
  /** How often this process looks for jobs whose heartbeat stopped (pg-boss supervise). */
  superviseSeconds: number;
  /** How long one job may stay active at most (a segment, its wrap-up and its snapshot). */
  expireSeconds: number;
  /** Idle poll, under LISTEN/NOTIFY which wakes workers at once. */
  pollSeconds: number;
};

/** Defaults: a dead worker's segment is back in the queue within about a minute. */
export const DEFAULT_QUEUE_TIMING: QueueTiming = {
  heartbeatSeconds: 30,
  superviseSeconds: 15,
  expireSeconds: 2 * 3600,
  pollSeconds: 2,
};

/** Attempts of one segment before the task is given up as failed. */
export const SEGMENT_RETRY_LIMIT = 5;

/** A pg-boss statement runner over one of our clients: a send or complete that joins our transaction. */
export function inTransaction(client: pg.PoolClient) {
  return {
    executeSql: async (text: string, values?: unknown[]) => ({
      rows: (await client.query(text, values)).rows,
    }),
  };
}

export type TaskQueue = {
  boss: PgBoss;
  /**
   * Queues the next segment of a task unless one is queued or running already (the queue's
   * `exclusive` policy with the task id as singleton key); with `client`, inside its transaction.
   */
  enqueue(taskId: string, client?: pg.PoolClient): Promise<string | null>;
  /** Completes a job inside the caller's transaction (only the attempt that was fetched). */
  complete(job: Job<SegmentJobData>, client: pg.PoolClient): Promise<void>;
  stop(options?: { graceful?: boolean }): Promise<void>;
};

/** Starts pg-boss on `url` (its own schema, `pgboss`) and makes sure the segment queue exists. */
export async function openTaskQueue(args: {
  url: string;
  timing: QueueTiming;
  maxConnections: number;
  applicationName: string;
  /** Whether this process fails jobs whose heartbeat stopped (any live process may). */
  supervise: boolean;
  log: (line: string) => void;
}): Promise<TaskQueue> {
  const boss = new PgBoss({
    connectionString: args.url,
    schema: "pgboss",
    max: args.maxConnections,
    application_name: args.applicationName,
    supervise: args.supervise,
    superviseIntervalSeconds: args.timing.superviseSeconds,
    monitorIntervalSeconds: args.timing.superviseSeconds,
    schedule: false,
    useListenNotify: true,
    registerInstance: false,
  });
  boss.on("error", (err: Error) => args.log(`queue: ${err.message}`));
  await boss.start();
  const options = {
    policy: "exclusive" as const,
    heartbeatSeconds: args.timing.heartbeatSeconds,
    expireInSeconds: args.timing.expireSeconds,
    retryLimit: SEGMENT_RETRY_LIMIT,
    retryDelay: 0,
    notify: true,
  };
  if (!(await boss.getQueue(SEGMENT_QUEUE))) {
    await boss.createQueue(SEGMENT_QUEUE, options).catch(async (err: unknown) => {
      // Another process created it first.
      if (!(await boss.getQueue(SEGMENT_QUEUE))) throw err;
    });
  }
  const { policy: _policy, ...tunable } = options;
  await boss.updateQueue(SEGMENT_QUEUE, tunable);
  return {
    boss,
    enqueue: (taskId, client) =>
      boss.send(SEGMENT_QUEUE, { task_id: taskId } satisfies SegmentJobData, {
        singletonKey: taskId,
        ...(client ? { db: inTransaction(client) } : {}),
      }),
    async complete(job, client) {
      await boss.complete(SEGMENT_QUEUE, { id: job.id, retryCount: job.retryCount }, null, {
        db: inTransaction(client),
      });
    },
    stop: (options) => boss.stop({ graceful: options?.graceful ?? true, close: true }),
  };
}
