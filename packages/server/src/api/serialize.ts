import type { RunEvent } from "@nightshift/runner";
import type { AgentRow, FileRow, TaskEventRow, TaskRow } from "../storage/types.js";
import type { AgentObject, FileObject, TaskEventObject, TaskObject } from "./objects.js";

const seconds = (ms: number) => Math.floor(ms / 1000);
const secondsOrNull = (ms: number | null) => (ms === null ? null : seconds(ms));

export function agentObject(row: AgentRow): AgentObject {
  return {
    id: row.id,
    object: "agent",
    created_at: seconds(row.created_at),
    model: row.model,
    timeout_hours: row.timeout_hours,
    checkpoint_interval: row.checkpoint_interval,
    max_cost: row.max_cost,
    hourly_fee: row.hourly_fee,
    instructions: row.instructions,
    plan_model: row.plan_model,
    review_model: row.review_model,
    compact_model: row.compact_model,
  };
}

export function fileObject(row: FileRow): FileObject {
  return {
    id: row.id,
    object: "file",
    created_at: seconds(row.created_at),
    bytes: row.bytes,
    filename: row.filename,
    purpose: row.purpose,
    sha256: row.sha256,
  };
}

export function taskObject(row: TaskRow): TaskObject {
  const stage =
    row.stage_index !== null && row.stage_count !== null
      ? {
          index: row.stage_index,
          total: row.stage_count,
          id: row.stage_id ?? "",
          title: row.stage_title ?? "",
        }
      : null;
  const checkpoint = row.last_checkpoint;
  return {
    id: row.id,
    object: "agent_task",
    created_at: seconds(row.created_at),
    agent_id: row.agent_id,
    status: row.status,
    instructions: row.instructions,
    files: row.files,
    output_format: row.output_format,
    verify_command: row.verify_command,
    webhook_url: row.webhook_url,
    metadata: row.metadata,
    stage,
    cost_usd: row.cost_usd,
    max_cost: row.max_cost,
    elapsed_s: row.elapsed_s,
    last_checkpoint: checkpoint
      ? {
          n: checkpoint.n,
          green: checkpoint.green,
          at_s: checkpoint.at_s,
          cost_usd: checkpoint.cost_usd,
          created_at: checkpoint.ts,
        }
      : null,
    output_file_id: row.output_file_id,
    error: row.error_message === null ? null : { message: row.error_message },
    cancel_requested: row.cancel_requested_at !== null,
    started_at: secondsOrNull(row.started_at),
    completed_at: secondsOrNull(row.ended_at),
  };
}

/** Fields of run events that are paths on the server: a client never sees them. */
const PRIVATE_FIELDS = new Set(["workspace", "report", "artifact"]);

/** A run event as stored for a task: its fields, without the server's paths. */
export function taskEventRow(taskId: string, event: RunEvent): TaskEventRow {
  const { seq, ts, type, ...rest } = event;
  const data: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) if (!PRIVATE_FIELDS.has(key)) data[key] = value;
  return { task_id: taskId, seq, type, ts, data: JSON.stringify(data) };
}

export function taskEventObject(row: TaskEventRow): TaskEventObject {
  return {
    object: "agent_task.event",
    seq: row.seq,
    type: row.type,
    created_at: row.ts,
    data: JSON.parse(row.data) as Record<string, unknown>,
  };
}

export function listObject<T extends { id: string }>(data: T[], hasMore: boolean) {
  return {
    object: "list" as const,
    data,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
    has_more: hasMore,
  };
}
