import { z } from "zod";
import { stageSpecSchema } from "./plan-schema.js";

/** Every status a run can end with. */
export const RUN_STATUSES = [
  "completed",
  "failed",
  "stuck",
  "budget_exceeded",
  "timed_out",
  "cancelled",
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const STAGE_STATUSES = ["pending", "in_progress", "done", "failed"] as const;
export type StageStatus = (typeof STAGE_STATUSES)[number];

export const GUARD_KINDS = ["stuck", "paralysis", "reasoning"] as const;
export type GuardKind = (typeof GUARD_KINDS)[number];

export const OUTPUT_FORMATS = ["zip", "patch", "none"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

const usageSchema = z.object({
  input: z.number().nonnegative(),
  cached: z.number().nonnegative(),
  output: z.number().nonnegative(),
});
export type TokenTotals = z.infer<typeof usageSchema>;

/** The settings a run was started with; fixed for its whole life (a resume reads them back). */
export const runSettingsSchema = z.object({
  workspace: z.string(),
  hours: z.number().positive().max(24),
  max_cost: z.number().positive().nullable(),
  hourly_fee: z.number().nonnegative(),
  checkpoint_interval_min: z.number().positive(),
  verify: z.array(z.string()),
  output: z.enum(OUTPUT_FORMATS),
  output_path: z.string().nullable(),
  /** The model of each role ("<provider>:<model>" or "<model>"; null: config's model). */
  model: z.string().nullable(),
  plan_model: z.string().nullable(),
  /** Judges the acceptance criteria a shell command cannot check (default: the work model). */
  review_model: z.string().nullable().default(null),
  /** Writes the compaction summaries of every session (default: config's compact_model). */
  compact_model: z.string().nullable().default(null),
  /** Models a session continues on when its model fails beyond retries (empty: config's). */
  fallback_models: z.array(z.string()).default([]),
  max_output_tokens: z.number().int().positive(),
  segment_minutes: z.number().positive(),
  max_failed_verifications: z.number().int().positive(),
  max_rollbacks_per_stage: z.number().int().nonnegative(),
  paralysis_steps: z.number().int().positive(),
  check_timeout_s: z.number().positive(),
});
export type RunSettings = z.infer<typeof runSettingsSchema>;

export const checkResultSchema = z.object({
  /** "verify#1" for a verification command, "<stage>#<n>" for an acceptance command. */
  id: z.string(),
  command: z.string(),
  passed: z.boolean(),
  exit_code: z.number().nullable(),
  /** The tail of the output, for the model and the report. */
  output: z.string(),
  duration_ms: z.number().nonnegative(),
});
export type CheckResult = z.infer<typeof checkResultSchema>;

export const stageStateSchema = stageSpecSchema.extend({
  status: z.enum(STAGE_STATUSES),
  failed_verifications: z.number().int().nonnegative(),
  rollbacks: z.number().int().nonnegative(),
  /** The green checkpoint the stage started from (where a failing approach is rolled back to). */
  start_checkpoint: z.number().int().nonnegative().nullable(),
  summary: z.string().nullable(),
});
export type StageState = z.infer<typeof stageStateSchema>;

export const checkpointSchema = z.object({
  n: z.number().int().nonnegative(),
  commit: z.string(),
  green: z.boolean(),
  at_s: z.number().nonnegative(),
  cost_usd: z.number().nonnegative(),
  reason: z.string(),
});
export type Checkpoint = z.infer<typeof checkpointSchema>;

export const rollbackSchema = z.object({
  from: z.number().int().nonnegative(),
  to: z.number().int().nonnegative(),
  reason: z.string(),
  at_s: z.number().nonnegative(),
});
export type Rollback = z.infer<typeof rollbackSchema>;

export const guardEventSchema = z.object({
  kind: z.enum(GUARD_KINDS),
  at_s: z.number().nonnegative(),
  action: z.enum(["nudge", "replan", "rollback", "stop"]),
  detail: z.string(),
});
export type GuardEvent = z.infer<typeof guardEventSchema>;

/** Tokens and dollars of one model in one role (what a session's ledger breaks down). */
export const modelUsageSchema = z.object({
  provider: z.string().nullable(),
  model: z.string(),
  /** plan, work, review or compact. */
  role: z.string(),
  requests: z.number().int().nonnegative(),
  tokens: usageSchema,
  /** null when the model's prices are unknown. */
  cost_usd: z.number().nonnegative().nullable(),
});
export type ModelUsage = z.infer<typeof modelUsageSchema>;

export const SEGMENT_PURPOSES = ["plan", "work", "review"] as const;
export type SegmentPurpose = (typeof SEGMENT_PURPOSES)[number];

/** One conversation of the run: the planning session, a work segment, or a review. */
export const segmentSchema = z.object({
  n: z.number().int().nonnegative(),
  purpose: z.enum(SEGMENT_PURPOSES),
  session_id: z.string(),
  stage_id: z.string().nullable(),
  started_ms: z.number().nonnegative(),
  cost_usd: z.number().nonnegative(),
  tokens: usageSchema,
  requests: z.number().int().nonnegative(),
  /** The segment's spend by model and role (its own model, fallbacks, compaction). */
  by_model: z.array(modelUsageSchema).default([]),
  /** False while the session may still have usage the run has not read (it was open when the run stopped). */
  settled: z.boolean(),
});
export type Segment = z.infer<typeof segmentSchema>;

export const repoSchema = z.object({
  kind: z.enum(["git", "private"]),
  git_dir: z.string(),
  work_tree: z.string(),
  /** The workspace relative to the work tree ("" when they are the same). */
  prefix: z.string(),
  index_file: z.string(),
});
export type RepoInfo = z.infer<typeof repoSchema>;

export const baselineSchema = z.object({
  command: z.string().nullable(),
  passed: z.boolean(),
  results: z.array(checkResultSchema),
});
export type Baseline = z.infer<typeof baselineSchema>;

/** Everything a run needs to continue after a kill: persisted before each step is acted on. */
export const runStateSchema = z.object({
  version: z.literal(1),
  run_id: z.string(),
  task: z.string(),
  started_at: z.string(),
  settings: runSettingsSchema,
  phase: z.enum(["init", "planning", "working", "ended"]),
  /** Set when the run starts wrapping up: a resume finishes the delivery. */
  ending: z.object({ status: z.enum(RUN_STATUSES), reason: z.string() }).nullable(),
  ended_at: z.string().nullable(),
  /** Working time so far (ms), across every process that worked on the run. */
  active_ms: z.number().nonnegative(),
  repo: repoSchema.nullable(),
  baseline: baselineSchema.nullable(),
  /** Baseline of the acceptance commands, measured once the plan exists. */
  acceptance_baseline_done: z.boolean(),
  stages: z.array(stageStateSchema).nullable(),
  checkpoints: z.array(checkpointSchema),
  /** The next checkpoint number; taken before a checkpoint is made, so none is ever reused. */
  next_checkpoint: z.number().int().nonnegative(),
  last_checkpoint_ms: z.number().nonnegative(),
  rollbacks: z.array(rollbackSchema),
  guards: z.array(guardEventSchema),
  /** How often each guard fired in the current stage (reset when a stage turns green). */
  guard_counts: z.object({ stuck: z.number(), paralysis: z.number(), reasoning: z.number() }),
  segments: z.array(segmentSchema),
  /** What the next segment's hand-off must say (a rollback, a forced re-plan, a resume). */
  handoff_note: z.string().nullable(),
  budget_warnings: z.array(z.number()),
  artifact: z
    .object({
      format: z.enum(OUTPUT_FORMATS),
      path: z.string().nullable(),
      checkpoint: z.number().nullable(),
    })
    .nullable(),
});
export type RunState = z.infer<typeof runStateSchema>;
