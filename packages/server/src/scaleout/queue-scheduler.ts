import type { Storage } from "../storage/types.js";
import type { TaskContext } from "../tasks/context.js";
import { finalizeTask } from "../tasks/finalize.js";
import type { TaskQueue } from "./task-queue.js";

/**
 * What the HTTP face asks of the workers (`AppDeps.engine`) when they are pg-boss workers: a new
 * task gets its first segment queued; a cancel of a task nobody has started ends it at once, and
 * a running one sees its stored cancel request within a watch interval, wherever it runs.
 */
export function queueScheduler(args: {
  storage: Storage;
  queue: TaskQueue;
  ctx: Pick<TaskContext, "storage" | "blobs" | "bus" | "clock" | "webhookQueued">;
  log: (line: string) => void;
}) {
  return {
    wake(): void {
      (async () => {
        for (const task of await args.storage.tasksInStatus(["queued"], 1000))
          await args.queue.enqueue(task.id);
      })().catch((err: unknown) => args.log(`queueing failed: ${(err as Error).message}`));
    },
    async cancel(taskId: string): Promise<void> {
      const task = await args.storage.getTaskById(taskId);
      if (task?.status === "queued" && task.run_id === null) {
        await finalizeTask(args.ctx as TaskContext, task, {
          status: "cancelled",
          error: "cancelled before it started",
          artifactPath: null,
        });
      }
    },
  };
}
