import path from "node:path";
import { z } from "zod";
import { OUTPUT_FORMATS, type RunSettings } from "./state/state-schema.js";

/** A bad flag or option: one actionable sentence for the user. */
export class RunOptionsError extends Error {
  override name = "RunOptionsError";
}

/** What starts a run (the CLI's flags, or another face's request). */
export type RunOptions = {
  task: string;
  /** The project folder (default: the current folder of the caller). */
  workspace: string;
  hours?: number;
  maxCost?: number;
  hourlyFee?: number;
  checkpointIntervalMin?: number;
  verify?: string[];
  output?: "zip" | "patch" | "none";
  outputPath?: string;
  /** The model of each role: "<provider>:<model>" or "<model>" (over config's `[run]` keys). */
  model?: string;
  planModel?: string;
  reviewModel?: string;
  compactModel?: string;
  fallbackModels?: string[];
  /** Tuning knobs with sensible defaults (no flags of their own). */
  maxOutputTokens?: number;
  segmentMinutes?: number;
  maxFailedVerifications?: number;
  maxRollbacksPerStage?: number;
  paralysisSteps?: number;
  checkTimeoutS?: number;
};

export const DEFAULTS = {
  hours: 24,
  checkpointIntervalMin: 30,
  hourlyFee: 0,
  output: "zip" as const,
  maxOutputTokens: 32_000,
  segmentMinutes: 60,
  maxFailedVerifications: 3,
  maxRollbacksPerStage: 3,
  paralysisSteps: 30,
  checkTimeoutS: 600,
};

const positive = (what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .refine((n) => Number.isFinite(n) && n > 0, `${what} must be more than 0`);

const optionsSchema = z.object({
  task: z
    .string()
    .trim()
    .min(1, 'give the task as the first argument, e.g. nightshift run "migrate to vitest"'),
  hours: positive("--hours").refine((n) => n <= 24, "--hours must be at most 24"),
  maxCost: positive("--max-cost").optional(),
  hourlyFee: z.number().refine((n) => Number.isFinite(n) && n >= 0, "--hourly-fee must be 0 or more"),
  checkpointIntervalMin: positive("--checkpoint-interval"),
  output: z.enum(OUTPUT_FORMATS, { error: "--output must be zip, patch or none" }),
  verify: z.array(z.string().trim().min(1, "--verify needs a command")),
});

/** config.toml's `[run]` table: the model of each role when the options name none. */
export type RunModelConfig = {
  model?: string;
  plan_model?: string;
  review_model?: string;
  compact_model?: string;
  fallback_models?: string[];
};

/** Checks the options and fills in the defaults; `detectedVerify` is used when no --verify is given. */
export function resolveRunSettings(
  options: RunOptions,
  cwd: string,
  detectedVerify: string | null,
  configured: RunModelConfig = {},
): RunSettings {
  const merged = {
    task: options.task,
    hours: options.hours ?? DEFAULTS.hours,
    maxCost: options.maxCost,
    hourlyFee: options.hourlyFee ?? DEFAULTS.hourlyFee,
    checkpointIntervalMin: options.checkpointIntervalMin ?? DEFAULTS.checkpointIntervalMin,
    output: options.output ?? DEFAULTS.output,
    verify: options.verify ?? [],
  };
  const parsed = optionsSchema.safeParse(merged);
  if (!parsed.success) throw new RunOptionsError(parsed.error.issues[0]!.message);
  const o = parsed.data;
  if (options.outputPath && o.output === "none") throw new RunOptionsError("-o needs --output zip or patch");
  const verify = o.verify.length ? o.verify : detectedVerify ? [detectedVerify] : [];
  return {
    workspace: options.workspace,
    hours: o.hours,
    max_cost: o.maxCost ?? null,
    hourly_fee: o.hourlyFee,
    checkpoint_interval_min: o.checkpointIntervalMin,
    verify,
    output: o.output,
    output_path: options.outputPath ? path.resolve(cwd, options.outputPath) : null,
    model: pick(options.model, configured.model),
    plan_model: pick(options.planModel, configured.plan_model),
    review_model: pick(options.reviewModel, configured.review_model),
    compact_model: pick(options.compactModel, configured.compact_model),
    fallback_models: (options.fallbackModels?.length
      ? options.fallbackModels
      : (configured.fallback_models ?? [])
    )
      .map((entry) => entry.trim())
      .filter(Boolean),
    max_output_tokens: options.maxOutputTokens ?? DEFAULTS.maxOutputTokens,
    segment_minutes: options.segmentMinutes ?? DEFAULTS.segmentMinutes,
    max_failed_verifications: options.maxFailedVerifications ?? DEFAULTS.maxFailedVerifications,
    max_rollbacks_per_stage: options.maxRollbacksPerStage ?? DEFAULTS.maxRollbacksPerStage,
    paralysis_steps: options.paralysisSteps ?? DEFAULTS.paralysisSteps,
    check_timeout_s: options.checkTimeoutS ?? DEFAULTS.checkTimeoutS,
  };
}

function pick(option: string | undefined, configured: string | undefined): string | null {
  return option?.trim() || configured?.trim() || null;
}
