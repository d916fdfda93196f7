import type { AgentRow, ApiKeyRow, CheckpointRow, FileRow, TaskRow, WebhookRow } from "../types.js";

/** A row as node:sqlite returns it. */
export type Raw = Record<string, unknown>;

/** Values node:sqlite can bind. */
export type SqlValue = string | number | null;

const str = (v: unknown) => v as string;
const strOrNull = (v: unknown) => (v === null || v === undefined ? null : String(v));
const num = (v: unknown) => Number(v);
const numOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const json = <T>(v: unknown): T | null =>
  v === null || v === undefined ? null : (JSON.parse(String(v)) as T);

export const toApiKey = (r: Raw): ApiKeyRow => ({
  id: str(r.id),
  name: str(r.name),
  hash: str(r.hash),
  prefix: str(r.prefix),
  webhook_secret_sealed: str(r.webhook_secret_sealed),
  created_at: num(r.created_at),
  revoked_at: numOrNull(r.revoked_at),
});

export const toAgent = (r: Raw): AgentRow => ({
  id: str(r.id),
  owner: str(r.owner),
  created_at: num(r.created_at),
  model: str(r.model),
  timeout_hours: num(r.timeout_hours),
  checkpoint_interval: num(r.checkpoint_interval),
  max_cost: num(r.max_cost),
  hourly_fee: numOrNull(r.hourly_fee),
  instructions: strOrNull(r.instructions),
  plan_model: strOrNull(r.plan_model),
  review_model: strOrNull(r.review_model),
  compact_model: strOrNull(r.compact_model),
});

export const toFile = (r: Raw): FileRow => ({
  id: str(r.id),
  owner: str(r.owner),
  created_at: num(r.created_at),
  bytes: num(r.bytes),
  filename: str(r.filename),
  purpose: str(r.purpose) as FileRow["purpose"],
  sha256: str(r.sha256),
  blob_key: str(r.blob_key),
  format: str(r.format),
});

export const toTask = (r: Raw): TaskRow => ({
  id: str(r.id),
  owner: str(r.owner),
  created_at: num(r.created_at),
  updated_at: num(r.updated_at),
  agent_id: str(r.agent_id),
  instructions: str(r.instructions),
  files: json<string[]>(r.files) ?? [],
  output_format: str(r.output_format) as TaskRow["output_format"],
  verify_command: strOrNull(r.verify_command),
  webhook_url: strOrNull(r.webhook_url),
  metadata: json<Record<string, string>>(r.metadata),
  status: str(r.status) as TaskRow["status"],
  run_id: strOrNull(r.run_id),
  stage_index: numOrNull(r.stage_index),
  stage_count: numOrNull(r.stage_count),
  stage_id: strOrNull(r.stage_id),
  stage_title: strOrNull(r.stage_title),
  cost_usd: num(r.cost_usd),
  max_cost: num(r.max_cost),
  elapsed_s: num(r.elapsed_s),
  last_checkpoint: json(r.last_checkpoint),
  output_file_id: strOrNull(r.output_file_id),
  error_message: strOrNull(r.error_message),
  started_at: numOrNull(r.started_at),
  ended_at: numOrNull(r.ended_at),
  cancel_requested_at: numOrNull(r.cancel_requested_at),
});

/** A task field as a column value (arrays and objects as JSON). */
export function taskColumn(key: keyof TaskRow, value: unknown): SqlValue {
  if (key === "files" || key === "metadata" || key === "last_checkpoint")
    return value === null || value === undefined ? null : JSON.stringify(value);
  return value as SqlValue;
}

export const toCheckpoint = (r: Raw): CheckpointRow => ({
  task_id: str(r.task_id),
  n: num(r.n),
  commit: str(r.commit_id),
  green: num(r.green) === 1,
  at_s: num(r.at_s),
  cost_usd: num(r.cost_usd),
  reason: str(r.reason),
  ts: str(r.ts),
});

export const toWebhook = (r: Raw): WebhookRow => ({
  id: str(r.id),
  owner: str(r.owner),
  task_id: str(r.task_id),
  event_type: str(r.event_type),
  url: str(r.url),
  payload: str(r.payload),
  created_at: num(r.created_at),
  attempts: num(r.attempts),
  next_attempt_at: num(r.next_attempt_at),
  status: str(r.status) as WebhookRow["status"],
  last_error: strOrNull(r.last_error),
  delivered_at: numOrNull(r.delivered_at),
});

/** Column names and placeholders for an INSERT of every field of a row. */
export function insertOf(table: string, row: Record<string, SqlValue>): { sql: string; values: SqlValue[] } {
  const keys = Object.keys(row);
  return {
    sql: `INSERT INTO ${table} (${keys.join(", ")}) VALUES (${keys.map(() => "?").join(", ")})`,
    values: keys.map((k) => row[k]!),
  };
}
