import { readEvents, runPaths } from "@nightshift/runner";
import { taskEventRow } from "../api/serialize.js";
import {
  type FileRow,
  isTerminal,
  TASK_STATUSES,
  type TaskPatch,
  type TaskRow,
  type TaskStatus,
} from "../storage/types.js";
import { newId } from "../util/ids.js";
import { webhookPayload } from "../webhooks/signing.js";
import type { TaskContext } from "./context.js";

export const OPEN_STATUSES: readonly TaskStatus[] = TASK_STATUSES.filter((s) => !isTerminal(s));

export type Ending = {
  status: TaskStatus;
  error: string | null;
  /** The run's artifact on disk, to keep as the task's output file. */
  artifactPath: string | null;
  patch?: TaskPatch;
};

/**
 * Ends a task once: the output file, the terminal status and the webhook commit in one
 * transaction, and only while the task is still open, so a crash before the commit repeats the
 * whole step and one after it changes nothing (one webhook, one webhook-id).
 */
export async function finalizeTask(ctx: TaskContext, task: TaskRow, ending: Ending): Promise<boolean> {
  const { storage, clock } = ctx;
  let output: FileRow | null = null;
  if (ending.artifactPath) {
    const blob = await ctx.blobs.putFile(ending.artifactPath);
    output = {
      id: newId("file"),
      owner: task.owner,
      created_at: clock.now(),
      bytes: blob.bytes,
      filename: `${task.id}.${task.output_format}`,
      purpose: "agent_output",
      sha256: blob.sha256,
      blob_key: blob.key,
      format: task.output_format,
    };
  }
  const now = clock.now();
  const changed = await storage.transaction(async (tx) => {
    const ok = await tx.updateTask(
      task.id,
      {
        ...ending.patch,
        status: ending.status,
        error_message: ending.error,
        output_file_id: output?.id ?? null,
        ended_at: now,
        updated_at: now,
      },
      OPEN_STATUSES,
    );
    if (!ok) return false;
    if (output) await tx.insertFile(output);
    if (task.webhook_url) {
      const type = `agent_task.${ending.status}`;
      await tx.enqueueWebhook({
        id: newId("msg"),
        owner: task.owner,
        task_id: task.id,
        event_type: type,
        url: task.webhook_url,
        payload: webhookPayload(type, task.id, ending.status, now),
        created_at: now,
        attempts: 0,
        next_attempt_at: now,
        status: "pending",
        last_error: null,
        delivered_at: null,
      });
    }
    return true;
  });
  if (changed) {
    if (task.webhook_url) ctx.webhookQueued();
    ctx.bus.publish(task.id, { kind: "end", status: ending.status });
  }
  return changed;
}

/** Copies the run's events (events.jsonl, written before anything else) that the database lacks. */
export async function syncRunEvents(ctx: TaskContext, taskId: string, runId: string): Promise<void> {
  const events = readEvents(runPaths(ctx.home, runId).events);
  if (events.length) await ctx.storage.appendEvents(events.map((e) => taskEventRow(taskId, e)));
}
