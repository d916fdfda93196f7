/**
 * What the task server keeps, behind one interface: the embedded SQLite backend implements it now
 * and a PostgreSQL backend can implement it next. Every method is async (a network database needs
 * that); `transaction` runs several of them atomically (the status change and its webhook commit
 * together). Times are epoch milliseconds; ids are opaque strings made by the caller.
 */

export const TASK_STATUSES = [
  "queued",
  "planning",
  "running",
  "completed",
  "failed",
  "cancelled",
  "timed_out",
  "budget_exceeded",
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TERMINAL_STATUSES: readonly TaskStatus[] = [
  "completed",
  "failed",
  "cancelled",
  "timed_out",
  "budget_exceeded",
];

export function isTerminal(status: TaskStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export type ApiKeyRow = {
  id: string;
  name: string;
  /** sha256 of the key (hex): the key itself is never stored. */
  hash: string;
  /** The first characters of the key, for `keys list`. */
  prefix: string;
  /** The key's whsec_ webhook secret, sealed with the server's master key. */
  webhook_secret_sealed: string;
  created_at: number;
  revoked_at: number | null;
};

export type AgentRow = {
  id: string;
  owner: string;
  created_at: number;
  model: string;
  timeout_hours: number;
  checkpoint_interval: number;
  max_cost: number;
  hourly_fee: number | null;
  instructions: string | null;
  plan_model: string | null;
  /** The model that judges review criteria (default: model). */
  review_model: string | null;
  /** The model that writes compaction summaries (default: model). */
  compact_model: string | null;
};

export type FilePurpose = "agent" | "agent_output";

export type FileRow = {
  id: string;
  owner: string;
  created_at: number;
  bytes: number;
  filename: string;
  purpose: FilePurpose;
  sha256: string;
  /** Where the bytes are in the blob store. */
  blob_key: string;
  /** How the content is packed: "zip", "tar.gz", or "patch" for an output patch. */
  format: string;
};

export type LastCheckpoint = { n: number; green: boolean; at_s: number; cost_usd: number; ts: string };

export type TaskRow = {
  id: string;
  owner: string;
  created_at: number;
  updated_at: number;
  agent_id: string;
  instructions: string;
  files: string[];
  output_format: "zip" | "patch";
  verify_command: string | null;
  webhook_url: string | null;
  metadata: Record<string, string> | null;
  status: TaskStatus;
  run_id: string | null;
  stage_index: number | null;
  stage_count: number | null;
  stage_id: string | null;
  stage_title: string | null;
  cost_usd: number;
  max_cost: number;
  elapsed_s: number;
  last_checkpoint: LastCheckpoint | null;
  output_file_id: string | null;
  error_message: string | null;
  started_at: number | null;
  ended_at: number | null;
  cancel_requested_at: number | null;
};

/** Fields a worker or a request may change on a task. */
export type TaskPatch = Partial<Omit<TaskRow, "id" | "owner" | "created_at" | "agent_id">>;

export type TaskEventRow = { task_id: string; seq: number; type: string; ts: string; data: string };

export type CheckpointRow = {
  task_id: string;
  n: number;
  commit: string;
  green: boolean;
  at_s: number;
  cost_usd: number;
  reason: string;
  ts: string;
};

export type IdempotencyRow = {
  owner: string;
  key: string;
  /** sha256 of the method, path and body: the same key with another request is refused. */
  request_hash: string;
  status_code: number;
  response: string;
  created_at: number;
};

export type WebhookStatus = "pending" | "delivered" | "failed";

export type WebhookRow = {
  /** The webhook-id header: the same on every attempt. */
  id: string;
  owner: string;
  task_id: string;
  event_type: string;
  url: string;
  payload: string;
  created_at: number;
  attempts: number;
  next_attempt_at: number;
  status: WebhookStatus;
  last_error: string | null;
  delivered_at: number | null;
};

export type PageQuery = { limit: number; after?: string; before?: string; order: "asc" | "desc" };
export type Page<T> = { data: T[]; has_more: boolean };
export type TaskFilter = { status?: TaskStatus[]; agent_id?: string };

/** Every operation, usable on its own (autocommit) or inside `transaction`. */
export interface StorageOps {
  insertApiKey(row: ApiKeyRow): Promise<void>;
  findApiKeyByHash(hash: string): Promise<ApiKeyRow | null>;
  getApiKey(id: string): Promise<ApiKeyRow | null>;
  listApiKeys(): Promise<ApiKeyRow[]>;
  /** False when there is no such key or it was revoked already. */
  revokeApiKey(id: string, at: number): Promise<boolean>;

  insertAgent(row: AgentRow): Promise<void>;
  getAgent(owner: string, id: string): Promise<AgentRow | null>;
  listAgents(owner: string, page: PageQuery): Promise<Page<AgentRow>>;

  insertFile(row: FileRow): Promise<void>;
  getFile(owner: string, id: string): Promise<FileRow | null>;

  insertTask(row: TaskRow): Promise<void>;
  getTask(owner: string, id: string): Promise<TaskRow | null>;
  /** For the workers, which act for every owner. */
  getTaskById(id: string): Promise<TaskRow | null>;
  listTasks(owner: string, filter: TaskFilter, page: PageQuery): Promise<Page<TaskRow>>;
  /** Tasks in these statuses, oldest first (the queue, and what to resume at start). */
  tasksInStatus(statuses: readonly TaskStatus[], limit: number): Promise<TaskRow[]>;
  /**
   * Applies the patch; with `onlyFrom`, only while the task is in one of those statuses. True when
   * a row changed: how a terminal status is set once and only once.
   */
  updateTask(id: string, patch: TaskPatch, onlyFrom?: readonly TaskStatus[]): Promise<boolean>;

  /** Adds events; one already stored (same task and seq) is left as it is. */
  appendEvents(events: TaskEventRow[]): Promise<void>;
  listEvents(taskId: string, afterSeq: number, limit: number): Promise<TaskEventRow[]>;

  upsertCheckpoint(row: CheckpointRow): Promise<void>;
  listCheckpoints(taskId: string): Promise<CheckpointRow[]>;

  getIdempotency(owner: string, key: string): Promise<IdempotencyRow | null>;
  putIdempotency(row: IdempotencyRow): Promise<void>;
  deleteIdempotencyBefore(at: number): Promise<number>;

  enqueueWebhook(row: WebhookRow): Promise<void>;
  /** Pending webhooks whose next attempt is due, oldest first. */
  dueWebhooks(now: number, limit: number): Promise<WebhookRow[]>;
  /** The next time a pending webhook is due, or null when none is pending. */
  nextWebhookAt(): Promise<number | null>;
  updateWebhook(id: string, patch: Partial<Omit<WebhookRow, "id">>): Promise<void>;
  listWebhooks(taskId: string): Promise<WebhookRow[]>;
}

export interface Storage extends StorageOps {
  /** Runs `work` atomically: every operation on `tx` commits together, or none does. */
  transaction<T>(work: (tx: StorageOps) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
