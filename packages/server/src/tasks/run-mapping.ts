import type { RunOptions, RunReport, RunSummary } from "@nightshift/runner";
import type { AgentRow, TaskPatch, TaskRow, TaskStatus } from "../storage/types.js";

/** A task of an agent as the options of a run. */
export function runOptionsOf(agent: AgentRow, task: TaskRow, workspace: string): RunOptions {
  const instructions = agent.instructions?.trim()
    ? `${agent.instructions.trim()}\n\nTask:\n${task.instructions}`
    : task.instructions;
  return {
    task: instructions,
    workspace,
    hours: agent.timeout_hours,
    maxCost: agent.max_cost,
    hourlyFee: agent.hourly_fee ?? undefined,
    checkpointIntervalMin: agent.checkpoint_interval,
    verify: task.verify_command ? [task.verify_command] : undefined,
    output: task.output_format,
    model: agent.model,
    planModel: agent.plan_model ?? undefined,
    reviewModel: agent.review_model ?? undefined,
    compactModel: agent.compact_model ?? undefined,
  };
}

/** A run's ending as a task status ("stuck" is a failure to the API). */
export function taskStatusOf(runStatus: RunReport["status"]): TaskStatus {
  return runStatus === "stuck" ? "failed" : runStatus;
}

/** What a task shows of a run in progress: planning or running, the current stage, cost and time. */
export function progressOf(summary: RunSummary): TaskPatch {
  const stages = summary.stages;
  const patch: TaskPatch = {
    status: stages.length ? "running" : "planning",
    cost_usd: round(summary.cost_usd),
    elapsed_s: round(summary.elapsed_s),
  };
  if (stages.length) {
    let index = stages.findIndex((s) => s.status === "in_progress");
    if (index === -1) index = stages.findIndex((s) => s.status === "pending");
    if (index === -1) index = stages.length - 1;
    const stage = stages[index]!;
    Object.assign(patch, {
      stage_index: index + 1,
      stage_count: stages.length,
      stage_id: stage.id,
      stage_title: stage.title,
    });
  }
  return patch;
}

export function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
