import { deliverArtifact, deliveredCheckpoint } from "../artifact/deliver.js";
import type { RunReport } from "../report/report.js";
import { reportMarkdown } from "../report/report-md.js";
import { writeFileAtomic } from "../state/atomic-file.js";
import { changedSinceCheckpoint, takeCheckpoint } from "./checkpointing.js";
import type { RunContext } from "./context.js";
import type { Ending } from "./recovery.js";

/**
 * Every ending delivers: the ending is persisted first (a resume finishes the delivery), the
 * latest work is kept as a checkpoint, the artifact is made from the last green checkpoint (else
 * the latest), and report.json and report.md are written.
 */
export async function wrapUp(ctx: RunContext, ending: Ending): Promise<RunReport> {
  const { state } = ctx;
  state.ending = ending;
  ctx.save();
  if (ctx.repo && (await changedSinceCheckpoint(ctx))) {
    await takeCheckpoint(ctx, { green: false, reason: `final state (${ending.status})` });
  }
  const checkpoint = deliveredCheckpoint(state.checkpoints);
  const format = ctx.settings.output;
  const target = format === "none" ? null : (ctx.settings.output_path ?? ctx.paths.defaultArtifact(format));
  const artifact = ctx.repo
    ? await deliverArtifact({
        repo: ctx.repo,
        format,
        target,
        checkpoint,
        start: state.checkpoints[0] ?? null,
        mtime: new Date(ctx.clock.now()),
      })
    : { format, path: null, checkpoint: null };
  state.artifact = artifact;
  state.phase = "ended";
  state.ended_at = new Date(ctx.clock.now()).toISOString();
  ctx.save();
  const report = buildReport(ctx, artifact);
  const start = state.checkpoints[0];
  const diffStat =
    ctx.repo && start && checkpoint
      ? await ctx.repo.diffStat(start.commit, checkpoint.commit).catch(() => "")
      : "";
  const guardDetails = state.guards.map((g) => `${g.kind} at ${g.at_s}s: ${g.action} (${g.detail})`);
  writeFileAtomic(ctx.paths.report, `${JSON.stringify(report, null, 2)}\n`);
  writeFileAtomic(ctx.paths.reportMd, reportMarkdown(report, { diffStat, guardDetails }));
  ctx.progressHeading(`Ended: ${ending.status}`);
  ctx.progress(ending.reason);
  ctx.emit({
    type: "run.completed",
    run_id: state.run_id,
    status: ending.status,
    report: ctx.paths.report,
    artifact: artifact.path,
  });
  return report;
}

function buildReport(ctx: RunContext, artifact: RunReport["artifact"]): RunReport {
  const { state } = ctx;
  const elapsedMs = state.active_ms;
  const tokens = ctx.tokensUsd();
  const fee = ctx.budget.feeUsd(elapsedMs);
  return {
    run_id: state.run_id,
    status: state.ending!.status,
    reason: state.ending!.reason,
    task: state.task,
    workspace: ctx.settings.workspace,
    started_at: state.started_at,
    ended_at: state.ended_at!,
    elapsed_s: elapsedMs / 1000,
    cost_usd: { tokens, fee, total: tokens + fee },
    max_cost: ctx.settings.max_cost,
    hourly_fee: ctx.settings.hourly_fee,
    tokens: ctx.tokenTotals(),
    requests: state.segments.reduce((sum, s) => sum + s.requests, 0),
    by_model: ctx.usageByModel(),
    baseline: state.baseline,
    stages: (state.stages ?? []).map((s) => ({
      id: s.id,
      title: s.title,
      status: s.status,
      summary: s.summary,
      rollbacks: s.rollbacks,
    })),
    checkpoints: state.checkpoints.map(({ reason: _reason, ...rest }) => rest),
    rollbacks: state.rollbacks,
    guards: state.guards.map(({ detail: _detail, ...rest }) => rest),
    artifact,
  };
}
