import type { TaskRow, WebhookRow } from "../../src/storage/types.js";

/** A queued task row with everything filled in; `extra` overrides. */
export function taskRow(id: string, owner: string, extra: Partial<TaskRow> = {}): TaskRow {
  return {
    id,
    owner,
    created_at: 1,
    updated_at: 1,
    agent_id: "agent_1",
    instructions: "do it",
    files: ["file_1"],
    output_format: "zip",
    verify_command: null,
    webhook_url: null,
    metadata: { team: "a" },
    status: "queued",
    run_id: null,
    stage_index: null,
    stage_count: null,
    stage_id: null,
    stage_title: null,
    cost_usd: 0,
    max_cost: 5,
    elapsed_s: 0,
    last_checkpoint: null,
    output_file_id: null,
    error_message: null,
    started_at: null,
    ended_at: null,
    cancel_requested_at: null,
    ...extra,
  };
}

export function webhookRow(id: string, taskId: string, extra: Partial<WebhookRow> = {}): WebhookRow {
  return {
    id,
    owner: "key_1",
    task_id: taskId,
    event_type: "agent_task.completed",
    url: "http://example.test/hook",
    payload: "{}",
    created_at: 1,
    attempts: 0,
    next_attempt_at: 1,
    status: "pending",
    last_error: null,
    delivered_at: null,
    ...extra,
  };
}
