/**
 * The objects of the nightshift task API, as the server sends them. They are written out here so
 * the SDK needs neither zod nor the server; test/types.test.ts checks at typecheck time that they
 * are exactly the server's zod schemas.
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

/** The statuses a task ends in. */
export const TERMINAL_STATUSES: readonly TaskStatus[] = [
  "completed",
  "failed",
  "cancelled",
  "timed_out",
  "budget_exceeded",
];

export function isTerminalStatus(status: string): status is TaskStatus {
  return (TERMINAL_STATUSES as readonly string[]).includes(status);
}

export type Agent = {
  id: string;
  object: "agent";
  created_at: number;
  model: string;
  timeout_hours: number;
  checkpoint_interval: number;
  max_cost: number;
  hourly_fee: number | null;
  instructions: string | null;
  plan_model: string | null;
  review_model: string | null;
  compact_model: string | null;
};

export type FileObject = {
  id: string;
  object: "file";
  created_at: number;
  bytes: number;
  filename: string;
  purpose: "agent" | "agent_output";
  sha256: string;
};

export type Checkpoint = {
  n: number;
  green: boolean;
  at_s: number;
  cost_usd: number;
  created_at: string;
};

export type AgentTask = {
  id: string;
  object: "agent_task";
  created_at: number;
  agent_id: string;
  status: TaskStatus;
  instructions: string;
  files: string[];
  output_format: "zip" | "patch";
  verify_command: string | null;
  webhook_url: string | null;
  metadata: Record<string, string> | null;
  /** The current stage: index (1-based) of total. */
  stage: { index: number; total: number; id: string; title: string } | null;
  cost_usd: number;
  max_cost: number;
  elapsed_s: number;
  last_checkpoint: Checkpoint | null;
  output_file_id: string | null;
  error: { message: string } | null;
  cancel_requested: boolean;
  started_at: number | null;
  completed_at: number | null;
};

export type AgentTaskEvent = {
  object: "agent_task.event";
  seq: number;
  /** run.started, run.plan, run.stage, run.verification, run.checkpoint, run.budget, run.completed, ... */
  type: string;
  created_at: string;
  data: Record<string, unknown>;
};

export type AgentTaskReport = {
  object: "agent_task.report";
  task_id: string;
  markdown: string;
  data: Record<string, unknown>;
};

export type Page<T> = {
  object: "list";
  data: T[];
  first_id: string | null;
  last_id: string | null;
  has_more: boolean;
};

export type EventPage = { object: "list"; data: AgentTaskEvent[]; has_more: boolean };

export type AgentCreateParams = {
  model: string;
  /** Working time limit of each task, at most 24. */
  timeout_hours: number;
  /** Minutes of work between checkpoints. */
  checkpoint_interval: number;
  /** The whole bill of a task in US dollars: tokens plus the hourly fee. */
  max_cost: number;
  hourly_fee?: number;
  instructions?: string;
  plan_model?: string;
  /** The model that judges review criteria a command cannot check (default: model). */
  review_model?: string;
  /** The model that writes compaction summaries (default: model). */
  compact_model?: string;
};

export type AgentTaskCreateParams = {
  agent_id: string;
  instructions: string;
  /** Uploaded archives (file ids), unpacked in order. */
  files?: string[];
  output_format: "zip" | "patch";
  verify_command?: string;
  webhook_url?: string;
  metadata?: Record<string, string>;
};

export type PageParams = {
  limit?: number;
  after?: string;
  before?: string;
  order?: "asc" | "desc";
};

export type AgentTaskListParams = PageParams & {
  status?: TaskStatus | TaskStatus[];
  agent_id?: string;
};

/** The thin event a webhook carries. */
export type WebhookEvent = {
  type:
    | "agent_task.completed"
    | "agent_task.failed"
    | "agent_task.cancelled"
    | "agent_task.timed_out"
    | "agent_task.budget_exceeded";
  timestamp: string;
  data: { id: string; status: TaskStatus };
};
