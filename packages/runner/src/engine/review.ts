import { z } from "zod";
import type { StepTimer } from "../budget/active-time.js";
import { REVIEW_ANSWER_SCHEMA, reviewPrompt } from "../prompts/review.js";
import type { CheckResult, StageState } from "../state/state-schema.js";
import type { RunContext } from "./context.js";
import { Segment } from "./segment.js";
import { TurnControl } from "./turn-control.js";

/** Model requests one review may take (reading a few files, then the answer). */
const REVIEW_REQUESTS = 12;

const answerSchema = z.object({
  verdicts: z.array(
    z.object({ criterion: z.number().int(), met: z.boolean(), reason: z.string().max(2000) }),
  ),
});

/** The check id of a stage's review criterion (beside "<stage>#<n>" of its acceptance commands). */
export function reviewCheckId(stageId: string, index: number): string {
  return `${stageId}#review${index + 1}`;
}

/**
 * Asks the review model (`review_model`, else the work model) whether the stage meets the
 * criteria no shell command can check. It runs as a segment of its own (read-only sandbox, its
 * requests booked under the role "review") and answers yes or no with a reason for each. A
 * criterion without a clear yes is not met.
 */
export async function reviewStage(
  ctx: RunContext,
  steps: StepTimer,
  stage: StageState,
): Promise<CheckResult[]> {
  const criteria = stage.review_criteria;
  if (criteria.length === 0) return [];
  const startedMs = ctx.time.elapsedMs();
  const model = ctx.settings.review_model ?? ctx.settings.model;
  const segment = await Segment.open(ctx, {
    purpose: "review",
    stageId: stage.id,
    model,
    tools: [],
    sandbox: "read-only",
    outputSchema: REVIEW_ANSWER_SCHEMA,
  });
  let verdicts = new Map<number, { met: boolean; reason: string }>();
  let problem = "the reviewer gave no verdict";
  try {
    const control = new TurnControl(ctx, steps, { effort: () => segment.session.settings.reasoning?.effort });
    const input = reviewPrompt({ task: ctx.state.task, stage, diffStat: await stageDiffStat(ctx, stage) });
    const end = await segment.turn(
      input,
      { ...control.limits(), maxRequests: REVIEW_REQUESTS },
      control.abort.signal,
    );
    control.finish();
    steps.pause();
    if (end.kind === "completed") {
      const parsed = answerSchema.safeParse(parseJson(end.message ?? ""));
      if (parsed.success) verdicts = new Map(parsed.data.verdicts.map((v) => [v.criterion, v]));
      else problem = "the reviewer's answer was not the JSON asked for";
    } else {
      problem = `the review stopped: ${end.kind === "failed" ? end.message : (control.cause ?? end.reason.message)}`;
    }
  } finally {
    await segment.close();
  }
  // The model that answered ("<provider>:<model>"; more than one after a fallback).
  const answered = segment.record.by_model.filter((row) => row.role === "review");
  const label =
    answered.map((row) => `${row.provider ?? segment.session.providerId}:${row.model}`).join(", ") ||
    `${segment.session.providerId}:${segment.session.settings.model}`;
  const results = criteria.map((criterion, i): CheckResult => {
    const verdict = verdicts.get(i + 1);
    return {
      id: reviewCheckId(stage.id, i),
      command: `review: ${criterion}`,
      passed: verdict?.met === true,
      exit_code: null,
      output: `${verdict ? (verdict.met ? "yes" : "no") : "no verdict"} (${label}): ${verdict?.reason ?? problem}`,
      duration_ms: ctx.time.elapsedMs() - startedMs,
    };
  });
  ctx.emit({
    type: "run.review",
    stage_id: stage.id,
    model: label,
    verdicts: results.map((r, i) => ({ criterion: criteria[i]!, met: r.passed, reason: r.output })),
  });
  for (const r of results) ctx.progress(`${r.command}: ${r.output}`);
  return results;
}

/** What the stage changed so far (`git diff --stat` from its starting checkpoint to the files now). */
async function stageDiffStat(ctx: RunContext, stage: StageState): Promise<string> {
  const start = ctx.state.checkpoints.find((c) => c.n === stage.start_checkpoint) ?? ctx.state.checkpoints[0];
  if (!ctx.repo || !start) return "";
  try {
    return await ctx.repo.diffStat(start.commit, await ctx.repo.snapshotTree());
  } catch {
    return "";
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
