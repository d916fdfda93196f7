import { z } from "zod";
import { TASK_STATUSES } from "../storage/types.js";
import { named } from "./registry.js";

/** The objects the API returns (OpenAI style: id, object, created_at in Unix seconds). */

export const errorObject = named(
  "Error",
  z.object({ error: z.object({ type: z.string(), message: z.string() }) }),
  "Every error: a type (invalid_request_error, authentication_error, not_found_error, conflict_error, ...) and a message.",
);

export const agentObject = named(
  "Agent",
  z.object({
    id: z.string(),
    object: z.literal("agent"),
    created_at: z.number().int(),
    model: z.string(),
    timeout_hours: z.number(),
    checkpoint_interval: z.number(),
    max_cost: z.number(),
    hourly_fee: z.number().nullable(),
    instructions: z.string().nullable(),
    plan_model: z.string().nullable(),
    review_model: z.string().nullable(),
    compact_model: z.string().nullable(),
  }),
);

export const fileObject = named(
  "File",
  z.object({
    id: z.string(),
    object: z.literal("file"),
    created_at: z.number().int(),
    bytes: z.number().int(),
    filename: z.string(),
    purpose: z.enum(["agent", "agent_output"]),
    sha256: z.string(),
  }),
);

export const checkpointObject = named(
  "Checkpoint",
  z.object({
    n: z.number().int(),
    green: z.boolean().describe("Every check passed at this checkpoint."),
    at_s: z.number().describe("Seconds of work when it was taken."),
    cost_usd: z.number(),
    created_at: z.string().describe("ISO-8601 time."),
  }),
);

export const taskObject = named(
  "AgentTask",
  z.object({
    id: z.string(),
    object: z.literal("agent_task"),
    created_at: z.number().int(),
    agent_id: z.string(),
    status: z.enum(TASK_STATUSES),
    instructions: z.string(),
    files: z.array(z.string()),
    output_format: z.enum(["zip", "patch"]),
    verify_command: z.string().nullable(),
    webhook_url: z.string().nullable(),
    metadata: z.record(z.string(), z.string()).nullable(),
    stage: z
      .object({ index: z.number().int(), total: z.number().int(), id: z.string(), title: z.string() })
      .nullable()
      .describe("The current stage: index (1-based) of total."),
    cost_usd: z.number(),
    max_cost: z.number(),
    elapsed_s: z.number(),
    last_checkpoint: checkpointObject.nullable(),
    output_file_id: z.string().nullable(),
    error: z.object({ message: z.string() }).nullable(),
    cancel_requested: z.boolean(),
    started_at: z.number().int().nullable(),
    completed_at: z.number().int().nullable(),
  }),
);

export const taskEventObject = named(
  "AgentTaskEvent",
  z.object({
    object: z.literal("agent_task.event"),
    seq: z.number().int(),
    type: z.string().describe("run.started, run.plan, run.stage, run.verification, run.checkpoint, ..."),
    created_at: z.string(),
    data: z.record(z.string(), z.unknown()),
  }),
);

export const reportObject = named(
  "AgentTaskReport",
  z.object({
    object: z.literal("agent_task.report"),
    task_id: z.string(),
    markdown: z.string(),
    data: z.record(z.string(), z.unknown()).describe("The run's report.json."),
  }),
);

export const listOf = <T extends z.ZodType>(id: string, item: T) =>
  named(
    id,
    z.object({
      object: z.literal("list"),
      data: z.array(item),
      first_id: z.string().nullable(),
      last_id: z.string().nullable(),
      has_more: z.boolean(),
    }),
  );

export const agentList = listOf("AgentList", agentObject);
export const taskList = listOf("AgentTaskList", taskObject);
export const eventList = named(
  "AgentTaskEventList",
  z.object({ object: z.literal("list"), data: z.array(taskEventObject), has_more: z.boolean() }),
);

export const healthObject = z.object({ status: z.literal("ok") });

export type AgentObject = z.infer<typeof agentObject>;
export type FileObject = z.infer<typeof fileObject>;
export type TaskObject = z.infer<typeof taskObject>;
export type TaskEventObject = z.infer<typeof taskEventObject>;
