import type { Session } from "@nightshift/core";
import type { CheckResult, StageState } from "../state/state-schema.js";
import {
  acceptanceChecks,
  type CheckRunner,
  guardedChecks,
  judge,
  runChecks,
  stageChecks,
  type Verdict,
  verifyChecks,
} from "../verify/checks.js";
import type { RunContext } from "./context.js";

/**
 * Verification commands run through the session's own command runner: in the workspace, under
 * the same sandbox as the model's commands (the plan's acceptance commands are the model's words),
 * with a timeout, and never entering the conversation.
 */
export function sessionCheckRunner(session: Session): CheckRunner {
  return async (command, timeoutMs) => {
    const result = await session.runCommand(["bash", "-lc", command], {
      timeoutMs,
      maxOutputBytes: 256 * 1024,
    });
    return {
      exitCode: result.exitCode,
      output: result.output,
      timedOut: result.timedOut,
      durationMs: result.durationMs,
      error: result.sandboxError,
    };
  };
}

function timeoutMs(ctx: RunContext): number {
  return ctx.settings.check_timeout_s * 1000;
}

/** Runs the verification commands on the untouched workspace and records which pass. */
export async function runBaseline(ctx: RunContext, run: CheckRunner): Promise<void> {
  const commands = ctx.settings.verify;
  const results = await runChecks(run, verifyChecks(commands), timeoutMs(ctx));
  const passed = results.every((r) => r.passed);
  ctx.state.baseline = { command: commands.length ? commands.join(" && ") : null, passed, results };
  ctx.save();
  announce(ctx, null, results, {
    green: passed,
    regressions: [],
    failing: results.filter((r) => !r.passed).map((r) => r.id),
  });
  ctx.progress(
    commands.length
      ? `baseline: ${results.map((r) => `\`${r.command}\` ${r.passed ? "passes" : "fails"}`).join(", ")}`
      : "baseline: no verification command",
  );
}

/** Runs every stage's acceptance commands on the start state: any that pass then must keep passing. */
export async function runAcceptanceBaseline(ctx: RunContext, run: CheckRunner): Promise<void> {
  const checks = (ctx.state.stages ?? []).flatMap((stage) => acceptanceChecks(stage));
  const results = await runChecks(run, checks, timeoutMs(ctx));
  const baseline = ctx.state.baseline!;
  baseline.results.push(...results);
  ctx.state.acceptance_baseline_done = true;
  ctx.save();
  const passing = results.filter((r) => r.passed).map((r) => r.id);
  if (passing.length)
    ctx.progress(`acceptance checks already passing at the start (kept green): ${passing.join(", ")}`);
}

/** Judges a stage's review criteria (see engine/review.ts). */
export type StageReviewer = (stage: StageState) => Promise<CheckResult[]>;

/**
 * After `stage_complete`: the stage's acceptance, the verification commands, and everything
 * guarded; once those are green, the review criteria (a model's yes/no, so only when the commands
 * leave nothing to fix).
 */
export async function verifyStage(
  ctx: RunContext,
  run: CheckRunner,
  stage: StageState,
  review: StageReviewer = async () => [],
): Promise<{ verdict: Verdict; results: CheckResult[] }> {
  const guarded = guardedChecks({
    baseline: ctx.state.baseline?.results ?? [],
    stages: ctx.state.stages ?? [],
  });
  const checks = stageChecks(stage, verifyChecks(ctx.settings.verify), guarded);
  const results = await runChecks(run, checks, timeoutMs(ctx));
  let verdict = judge(results, stage, guarded);
  if (verdict.green && stage.review_criteria.length) {
    const reviews = await review(stage);
    results.push(...reviews);
    const rejected = reviews.filter((r) => !r.passed).map((r) => r.id);
    verdict = { ...verdict, green: rejected.length === 0, failing: [...verdict.failing, ...rejected] };
  }
  announce(ctx, stage.id, results, verdict);
  return { verdict, results };
}

/** Whether nothing that must stay green fails now (for a checkpoint taken mid-stage). */
export async function verifyGuarded(ctx: RunContext, run: CheckRunner): Promise<Verdict> {
  const guarded = guardedChecks({
    baseline: ctx.state.baseline?.results ?? [],
    stages: ctx.state.stages ?? [],
  });
  const results = await runChecks(run, guarded, timeoutMs(ctx));
  const verdict = judge(results, null, guarded);
  if (!verdict.green) announce(ctx, ctx.currentStage()?.id ?? null, results, verdict);
  return verdict;
}

function announce(ctx: RunContext, stageId: string | null, results: CheckResult[], verdict: Verdict): void {
  ctx.emit({
    type: "run.verification",
    stage_id: stageId,
    passed: verdict.green,
    results: results.map(({ output: _output, ...rest }) => rest),
    regressions: verdict.regressions,
    failing: verdict.failing,
  });
}
