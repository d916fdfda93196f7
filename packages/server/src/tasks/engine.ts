import type { TaskRow } from "../storage/types.js";
import type { TaskContext } from "./context.js";
import { TaskExecution } from "./execution.js";
import { finalizeTask } from "./finalize.js";

type Running = { abort: AbortController; done: Promise<void> };

/**
 * The in-process workers: up to `concurrency` tasks at once. At start the tasks an earlier process
 * left planning or running are resumed first (their runs continue from the last checkpoint), then
 * the queue is worked through, oldest first. `drain` stops taking tasks and has the running ones
 * checkpoint and stop, to be resumed at the next start.
 */
export class TaskEngine {
  readonly #running = new Map<string, Running>();
  /** Tasks another live process holds: not tried again by this one. */
  readonly #skipped = new Set<string>();
  #draining = false;
  #pumping = false;
  #again = false;

  constructor(
    private readonly ctx: TaskContext,
    private readonly concurrency: number,
  ) {}

  /** Starts the workers (resumed tasks first); returns once they are scheduled. */
  async start(): Promise<void> {
    await this.#pump();
  }

  /** A task was queued: start it when a worker is free. */
  wake(): void {
    this.#pump().catch((err: unknown) => this.ctx.log(`scheduling failed: ${(err as Error).message}`));
  }

  /**
   * Cancels a task (its cancel request is stored already): a running one wraps up and delivers
   * what it has; a queued one ends at once. A task another process runs sees the request when
   * it resumes.
   */
  async cancel(taskId: string): Promise<void> {
    const running = this.#running.get(taskId);
    if (running) {
      running.abort.abort(new Error("cancelled"));
      return;
    }
    const task = await this.ctx.storage.getTaskById(taskId);
    if (task?.status === "queued") {
      await finalizeTask(this.ctx, task, {
        status: "cancelled",
        error: "cancelled before it started",
        artifactPath: null,
      });
    }
  }

  get runningCount(): number {
    return this.#running.size;
  }

  /** Stops taking tasks; the running ones checkpoint and stop. Resolves when all have. */
  async drain(): Promise<void> {
    this.#draining = true;
    for (const running of this.#running.values()) running.abort.abort(new Error("the server is stopping"));
    await Promise.all([...this.#running.values()].map((r) => r.done));
  }

  async #pump(): Promise<void> {
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = true;
    try {
      do {
        this.#again = false;
        await this.#fill();
      } while (this.#again);
    } finally {
      this.#pumping = false;
    }
  }

  async #fill(): Promise<void> {
    const { storage } = this.ctx;
    const want = (n: number) => n + this.#running.size + this.#skipped.size;
    for (const statuses of [["planning", "running"], ["queued"]] as const) {
      const free = this.concurrency - this.#running.size;
      if (free <= 0 || this.#draining) return;
      const tasks = await storage.tasksInStatus(statuses, want(free));
      for (const task of tasks) {
        if (this.#running.size >= this.concurrency || this.#draining) return;
        if (this.#running.has(task.id) || this.#skipped.has(task.id)) continue;
        this.#launch(task);
      }
    }
  }

  #launch(task: TaskRow): void {
    const abort = new AbortController();
    const execution = new TaskExecution(this.ctx, task, abort.signal, () => this.#draining);
    const done = execution
      .run()
      .then((outcome) => {
        if (outcome === "busy") this.#skipped.add(task.id);
      })
      .catch((err: unknown) => this.ctx.log(`task ${task.id}: ${(err as Error).stack ?? err}`))
      .finally(() => {
        this.#running.delete(task.id);
        if (!this.#draining) this.wake();
      });
    this.#running.set(task.id, { abort, done });
  }
}
