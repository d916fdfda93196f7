import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Job } from "pg-boss";
import type { SharedBlobStore } from "../storage/postgres/pg-blobs.js";
import type { Queryable } from "../storage/postgres/pg-ops.js";
import type { PostgresStorage } from "../storage/postgres/pg-storage.js";
import type { TaskContext } from "../tasks/context.js";
import { TaskExecution } from "../tasks/execution.js";
import { finalizeTask, OPEN_STATUSES } from "../tasks/finalize.js";
import { taskDir } from "../tasks/workspace.js";
import {
  claimLease,
  commitSnapshot,
  countSegment,
  currentEpoch,
  dropEventsAfter,
  type Lease,
} from "./leases.js";
import { SEGMENT_RETRY_LIMIT, type SegmentJobData, type TaskQueue } from "./task-queue.js";
import { packTaskState, type Roots, removeTaskState, unpackTaskState } from "./task-snapshot.js";

export type SegmentDeps = {
  ctx: TaskContext;
  storage: PostgresStorage;
  blobs: SharedBlobStore;
  queue: TaskQueue;
  /** This worker process, the same over its restarts: host and home. */
  worker: string;
  /** How long a segment runs before it checkpoints and hands the task back to the queue. */
  segmentMs: number;
  /** How often a running segment checks that it still holds the task and whether it was cancelled. */
  watchMs: number;
  /** The worker is stopping: running segments end now (and are queued again for another). */
  stopping: AbortSignal;
};

/** How a segment went: the task ended, was handed on to a next segment, or another worker holds it. */
export type SegmentResult = {
  task_id: string;
  outcome: "ended" | "continued" | "fenced" | "gone";
  /** The segment's number (1 for the first) when it ran. */
  n: number | null;
  /** Time spent on the queue's and the shared state's account: claim, restore, snapshot, hand-on. */
  overheadMs: number;
  totalMs: number;
};

const pool = (storage: PostgresStorage) => storage.pool as unknown as Queryable;
const rootsOf = (ctx: TaskContext): Roots => ({ home: ctx.home, tasksDir: ctx.tasksDir });

/**
 * One segment of one task, as a pg-boss job: claims the task's lease (fencing out any earlier
 * holder), brings the task's state to this machine from its last snapshot unless this worker ran
 * the previous segment itself, runs the task until it ends or the segment's time is up, and then
 * either lets the job complete (the task ended, exactly once, in finalizeTask) or packs the state,
 * stores it, and, in one transaction that holds the lease, records the snapshot, completes this
 * job and queues the next segment.
 */
export async function runSegment(deps: SegmentDeps, job: Job<SegmentJobData>): Promise<SegmentResult> {
  const { ctx, storage } = deps;
  const started = Date.now();
  const taskId = job.data.task_id;
  const result = (outcome: SegmentResult["outcome"], n: number | null, runMs = 0): SegmentResult => ({
    task_id: taskId,
    outcome,
    n,
    overheadMs: Date.now() - started - runMs,
    totalMs: Date.now() - started,
  });
  let task = await storage.getTaskById(taskId);
  if (!task || !OPEN_STATUSES.includes(task.status)) return result("gone", null);
  const lease = await claimLease(pool(storage), taskId, deps.worker, ctx.clock.now());
  const n = lease.segments + 1;
  try {
    task = await bringStateHere(deps, lease, task.run_id);
    if (!task) return result("gone", n);
    for (const id of task.files) {
      const file = await storage.getFile(task.owner, id);
      if (file) await deps.blobs.fetch(file.blob_key);
    }
    const runStarted = Date.now();
    const outcome = await runUntilSegmentEnds(deps, lease, task, job);
    const runMs = Date.now() - runStarted;
    if (outcome.kind === "ended") {
      await countSegment(pool(storage), lease);
      removeTaskState(rootsOf(ctx), taskId, outcome.runId);
      fs.rmSync(markerFile(ctx.tasksDir, taskId), { force: true });
      return result("ended", n, runMs);
    }
    if (outcome.kind === "fenced") return result("fenced", n, runMs);
    const handedOn = await handOn(deps, lease, job, outcome.runId);
    return result(handedOn ? "continued" : "fenced", n, runMs);
  } catch (err) {
    if (job.retryCount < SEGMENT_RETRY_LIMIT) throw err;
    // The last attempt: the task ends as failed rather than going round for ever.
    const latest = await storage.getTaskById(taskId);
    if (latest) {
      await finalizeTask(ctx, latest, {
        status: "failed",
        error: `the workers could not run this task: ${(err as Error).message}`,
        artifactPath: null,
      });
    }
    return result("ended", n);
  }
}

/** Which snapshot this worker's copy of a task is (a file beside the task's folder). */
function markerFile(tasksDir: string, taskId: string): string {
  return `${taskDir(tasksDir, taskId)}.snapshot`;
}

/**
 * Makes this machine's copy of the task the one to go on from: kept when this worker ran the last
 * segment and its copy is of the last snapshot (or later: a crash of this very worker is resumed
 * by the runner from its own files); otherwise replaced by the last snapshot, or, when there is
 * none yet, started afresh. Returns the task as it now stands.
 */
async function bringStateHere(deps: SegmentDeps, lease: Lease, runId: string | null) {
  const { ctx, storage } = deps;
  const marker = markerFile(ctx.tasksDir, lease.task_id);
  const local = fs.existsSync(marker) ? fs.readFileSync(marker, "utf8").trim() : null;
  const ours = lease.previous_worker === deps.worker && local === (lease.snapshot_key ?? "fresh");
  if (ours) return storage.getTaskById(lease.task_id);
  if (lease.snapshot_key) {
    const archive = await deps.blobs.fetch(lease.snapshot_key);
    const lastSeq = await unpackTaskState({
      roots: rootsOf(ctx),
      from: lease.snapshot_home ? (JSON.parse(lease.snapshot_home) as Roots) : rootsOf(ctx),
      taskId: lease.task_id,
      runId,
      archive,
    });
    await dropEventsAfter(pool(storage), lease.task_id, lastSeq);
  } else {
    // Nothing was kept of the task yet: whatever a lost first segment did starts over.
    removeTaskState(rootsOf(ctx), lease.task_id, runId);
    await dropEventsAfter(pool(storage), lease.task_id, 0);
    if (runId) await storage.updateTask(lease.task_id, { run_id: null }, OPEN_STATUSES);
  }
  fs.mkdirSync(path.dirname(marker), { recursive: true });
  fs.writeFileSync(marker, `${lease.snapshot_key ?? "fresh"}\n`);
  return storage.getTaskById(lease.task_id);
}

type RunOutcome = { kind: "ended" | "drained" | "fenced"; runId: string | null };

/** Runs the task until it ends, the segment's time is up, the worker stops, or the lease is lost. */
async function runUntilSegmentEnds(
  deps: SegmentDeps,
  lease: Lease,
  task: NonNullable<Awaited<ReturnType<PostgresStorage["getTaskById"]>>>,
  job: Job<SegmentJobData>,
): Promise<RunOutcome> {
  const { ctx, storage } = deps;
  const abort = new AbortController();
  let segmentOver = false;
  let fenced = false;
  const stopTimers = new AbortController();
  const endSegment = () => {
    segmentOver = true;
    abort.abort(new Error("the segment is over"));
  };
  const fence = () => {
    fenced = true;
    abort.abort(new Error("another worker holds the task"));
  };
  // The segment ends at the first checkpoint after its time is up (so every segment keeps some
  // progress), or at three times its length if no checkpoint comes.
  let timeUp = false;
  ctx.clock.sleep(deps.segmentMs, stopTimers.signal).then(
    () => (timeUp = true),
    () => {},
  );
  ctx.clock.sleep(deps.segmentMs * 3, stopTimers.signal).then(endSegment, () => {});
  const unsubscribe = ctx.bus.subscribe(lease.task_id, (message) => {
    if (timeUp && message.kind === "event" && message.event.type === "run.checkpoint") endSegment();
  });
  const onStop = () => endSegment();
  deps.stopping.addEventListener("abort", onStop, { once: true });
  if (deps.stopping.aborted) endSegment();
  job.signal.addEventListener("abort", fence, { once: true });
  const watch = async () => {
    while (!stopTimers.signal.aborted) {
      await ctx.clock.sleep(deps.watchMs, stopTimers.signal).catch(() => {});
      if (stopTimers.signal.aborted) return;
      try {
        if ((await currentEpoch(pool(storage), lease.task_id)) !== lease.epoch) return fence();
        const latest = await storage.getTaskById(lease.task_id);
        // A cancel stored by the API: the run wraps up as cancelled and is delivered.
        if (latest?.cancel_requested_at != null && !abort.signal.aborted) abort.abort(new Error("cancelled"));
      } catch (err) {
        ctx.log(`task ${lease.task_id}: checking the lease failed: ${(err as Error).message}`);
      }
    }
  };
  const watching = watch();
  try {
    const execution = new TaskExecution(ctx, task, abort.signal, () => segmentOver || fenced);
    const interrupted = await execution.run();
    const runId = (await storage.getTaskById(lease.task_id))?.run_id ?? task.run_id;
    if (interrupted === "busy")
      throw new Error(`the run of task ${lease.task_id} is held by another process here`);
    if (fenced) return { kind: "fenced", runId };
    return { kind: interrupted === "drained" ? "drained" : "ended", runId };
  } finally {
    stopTimers.abort();
    unsubscribe();
    deps.stopping.removeEventListener("abort", onStop);
    job.signal.removeEventListener("abort", fence);
    await watching;
  }
}

/** Stores the state the segment ended with and queues the next segment, all or nothing. */
async function handOn(
  deps: SegmentDeps,
  lease: Lease,
  job: Job<SegmentJobData>,
  runId: string | null,
): Promise<boolean> {
  const { ctx, storage } = deps;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ns-snapshot-"));
  try {
    const archive = path.join(tmp, "state.tar.gz");
    await packTaskState(rootsOf(ctx), lease.task_id, runId, archive);
    const blob = await deps.blobs.putFile(archive);
    const committed = await storage.transactionWith(async (_tx, client) => {
      const db = client as unknown as Queryable;
      if (
        !(await commitSnapshot(db, lease, {
          key: blob.key,
          home: JSON.stringify(rootsOf(ctx)),
          at: ctx.clock.now(),
        }))
      )
        return false;
      await deps.queue.complete(job, client);
      await deps.queue.enqueue(lease.task_id, client);
      return true;
    });
    if (committed) fs.writeFileSync(markerFile(ctx.tasksDir, lease.task_id), `${blob.key}\n`);
    return committed;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
