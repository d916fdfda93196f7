import fs from "node:fs";
import {
  RunBusyError,
  type RunDeps,
  type RunEvent,
  type RunReport,
  resumeRun,
  runPaths,
  runStatus,
  startRun,
} from "@nightshift/runner";
import { taskEventRow } from "../api/serialize.js";
import type { TaskPatch, TaskRow } from "../storage/types.js";
import type { TaskContext } from "./context.js";
import { finalizeTask, OPEN_STATUSES, syncRunEvents } from "./finalize.js";
import { progressOf, round, runOptionsOf, taskStatusOf } from "./run-mapping.js";
import { prepareWorkspace } from "./workspace.js";

/** Why a task stopped without ending: the server is draining, or another process holds its run. */
export type Interrupted = "drained" | "busy";

/**
 * Works on one task until it ends (or the server drains): a new task unpacks its files and starts
 * a run; a task with a run resumes it (after a kill or a drain) or, when its run already ended,
 * only finishes the bookkeeping. Every run event is stored and published as it comes.
 */
export class TaskExecution {
  #writes: Promise<void> = Promise.resolve();
  #runId: string | null;

  constructor(
    private readonly ctx: TaskContext,
    private task: TaskRow,
    private readonly signal: AbortSignal,
    private readonly draining: () => boolean,
  ) {
    this.#runId = task.run_id;
  }

  async run(): Promise<Interrupted | null> {
    const ctx = this.ctx;
    const fresh = await ctx.storage.getTaskById(this.task.id);
    if (!fresh || !OPEN_STATUSES.includes(fresh.status)) return null;
    this.task = fresh;
    if (fresh.cancel_requested_at !== null && fresh.run_id === null) {
      await finalizeTask(ctx, fresh, {
        status: "cancelled",
        error: "cancelled before it started",
        artifactPath: null,
      });
      return null;
    }
    const ticker = setInterval(() => this.#refresh(), ctx.progressIntervalMs);
    ticker.unref();
    try {
      const report = await this.#runToEnd();
      await this.#writes;
      if (report === "busy") return "busy";
      if (this.#runId) await syncRunEvents(ctx, this.task.id, this.#runId);
      if (report.status === "cancelled" && this.draining() && !(await this.#cancelRequested())) {
        await this.#refreshNow();
        return "drained";
      }
      await finalizeTask(ctx, this.task, {
        status: taskStatusOf(report.status),
        error: report.status === "completed" ? null : report.reason,
        artifactPath:
          report.artifact.path && fs.existsSync(report.artifact.path) ? report.artifact.path : null,
        patch: { cost_usd: round(report.cost_usd.total), elapsed_s: round(report.elapsed_s) },
      });
      return null;
    } catch (err) {
      await this.#writes;
      ctx.log(`task ${this.task.id} failed: ${(err as Error).stack ?? err}`);
      await finalizeTask(ctx, this.task, {
        status: "failed",
        error: (err as Error).message,
        artifactPath: null,
      });
      return null;
    } finally {
      clearInterval(ticker);
    }
  }

  async #runToEnd(): Promise<RunReport | "busy"> {
    const ctx = this.ctx;
    const deps: RunDeps = {
      home: ctx.home,
      env: ctx.env,
      version: ctx.version,
      clock: ctx.clock,
      signal: this.signal,
      onEvent: (event) => this.#onEvent(event),
    };
    try {
      if (this.#runId) {
        const ended = this.#endedReport(this.#runId);
        if (ended && (ended.status !== "cancelled" || (await this.#cancelRequested()))) return ended;
        await syncRunEvents(ctx, this.task.id, this.#runId);
        return (await resumeRun(this.#runId, deps)).report;
      }
      const agent = await ctx.storage.getAgent(this.task.owner, this.task.agent_id);
      if (!agent) throw new Error(`the agent ${this.task.agent_id} no longer exists`);
      const files = [];
      for (const id of this.task.files) {
        const file = await ctx.storage.getFile(this.task.owner, id);
        if (!file) throw new Error(`the file ${id} no longer exists`);
        files.push(file);
      }
      const workspace = await prepareWorkspace({
        tasksDir: ctx.tasksDir,
        taskId: this.task.id,
        files,
        blobs: ctx.blobs,
        limits: ctx.archiveLimits,
      });
      return (await startRun(runOptionsOf(agent, this.task, workspace), deps)).report;
    } catch (err) {
      if (err instanceof RunBusyError) {
        ctx.log(`task ${this.task.id}: ${err.message}`);
        return "busy";
      }
      throw err;
    }
  }

  /** The report of a run that has ended, or null. */
  #endedReport(runId: string): RunReport | null {
    try {
      return JSON.parse(fs.readFileSync(runPaths(this.ctx.home, runId).report, "utf8")) as RunReport;
    } catch {
      return null;
    }
  }

  async #cancelRequested(): Promise<boolean> {
    return (await this.ctx.storage.getTaskById(this.task.id))?.cancel_requested_at != null;
  }

  /** Run events arrive synchronously; they are stored one after another, then published. */
  #onEvent(event: RunEvent): void {
    this.#writes = this.#writes
      .then(() => this.#record(event))
      .catch((err: unknown) =>
        this.ctx.log(`task ${this.task.id}: storing an event failed: ${(err as Error).message}`),
      );
  }

  async #record(event: RunEvent): Promise<void> {
    const { storage, clock, bus } = this.ctx;
    const row = taskEventRow(this.task.id, event);
    await storage.appendEvents([row]);
    let patch: TaskPatch = {};
    if (event.type === "run.started") {
      this.#runId = event.run_id;
      patch = { run_id: event.run_id, started_at: this.task.started_at ?? clock.now() };
    }
    if (event.type === "run.checkpoint") {
      const checkpoint = {
        n: event.n,
        green: event.green,
        at_s: event.at_s,
        cost_usd: event.cost_usd,
        ts: event.ts,
      };
      await storage.upsertCheckpoint({
        task_id: this.task.id,
        commit: event.commit,
        reason: event.reason,
        ...checkpoint,
      });
      patch.last_checkpoint = checkpoint;
    }
    if (event.type !== "run.completed") Object.assign(patch, this.#progress());
    patch.updated_at = clock.now();
    await storage.updateTask(this.task.id, patch, OPEN_STATUSES);
    bus.publish(this.task.id, { kind: "event", event: row });
  }

  #progress(): TaskPatch {
    if (!this.#runId) return {};
    try {
      return progressOf(runStatus(this.ctx.home, this.#runId));
    } catch {
      return {};
    }
  }

  #refresh(): void {
    this.#writes = this.#writes.then(() => this.#refreshNow()).catch(() => {});
  }

  async #refreshNow(): Promise<void> {
    const patch = this.#progress();
    if (Object.keys(patch).length === 0) return;
    await this.ctx.storage.updateTask(
      this.task.id,
      { ...patch, updated_at: this.ctx.clock.now() },
      OPEN_STATUSES,
    );
  }
}
