import { formatDuration } from "../engine/context.js";
import type { RunReport } from "./report.js";

const STATUS_TEXT: Record<RunReport["status"], string> = {
  completed: "completed: every stage is done and verified",
  failed: "failed",
  stuck: "stopped: the agent was stuck",
  budget_exceeded: "stopped at the budget",
  timed_out: "stopped at the time limit",
  cancelled: "cancelled",
};

/** report.md: the same as report.json, for people, starting with what to look at first. */
export function reportMarkdown(
  report: RunReport,
  extra: { diffStat: string; guardDetails: string[] },
): string {
  const usd = (n: number) => `$${n.toFixed(4)}`;
  const lines: string[] = [];
  lines.push(`# nightshift run ${report.run_id}: ${STATUS_TEXT[report.status]}`, "");
  lines.push(`**Task:** ${report.task}`, "");
  lines.push("## Look at this first", "");
  for (const item of lookFirst(report)) lines.push(`- ${item}`);
  lines.push("", "## Summary", "");
  lines.push(`- Status: \`${report.status}\` (${report.reason})`);
  lines.push(`- Workspace: \`${report.workspace}\``);
  lines.push(
    `- Time: ${formatDuration(report.elapsed_s * 1000)} of work (${report.started_at} to ${report.ended_at})`,
  );
  lines.push(
    `- Cost: ${usd(report.cost_usd.total)} = tokens ${usd(report.cost_usd.tokens)} + fee ${usd(report.cost_usd.fee)}${report.max_cost === null ? "" : ` (limit $${report.max_cost.toFixed(2)})`}`,
  );
  lines.push(
    `- Tokens: ${report.tokens.input.toLocaleString("en-US")} in (${report.tokens.cached.toLocaleString("en-US")} cached), ${report.tokens.output.toLocaleString("en-US")} out, ${report.requests} requests`,
  );
  if (report.by_model.length > 1) {
    for (const row of report.by_model) {
      lines.push(
        `  - ${row.role} on ${row.provider ? `${row.provider}:` : ""}${row.model}: ${row.cost_usd === null ? "price unknown" : usd(row.cost_usd)}, ${row.tokens.input.toLocaleString("en-US")} in, ${row.tokens.output.toLocaleString("en-US")} out, ${row.requests} requests`,
      );
    }
  }
  const artifact = report.artifact;
  lines.push(
    `- Artifact: ${artifact.path ? `\`${artifact.path}\` (${artifact.format} of checkpoint ${artifact.checkpoint})` : "none"}`,
  );
  lines.push("", "## Stages", "");
  if (report.stages.length === 0) lines.push("No plan was made.");
  for (const stage of report.stages) {
    lines.push(
      `- **${stage.id}** ${stage.title}: ${stage.status}${stage.rollbacks ? ` (${stage.rollbacks} rollback(s))` : ""}`,
    );
    if (stage.summary) lines.push(`  - ${stage.summary.replace(/\n/g, " ")}`);
  }
  if (report.baseline) {
    lines.push("", "## Checks at the start", "");
    if (report.baseline.results.length === 0) lines.push("No verification command.");
    for (const r of report.baseline.results)
      lines.push(`- \`${r.command}\` (${r.id}): ${r.passed ? "passed" : "failed"}`);
  }
  lines.push("", "## Checkpoints", "");
  for (const c of report.checkpoints) {
    lines.push(
      `- ${c.n}${c.green ? " (green)" : ""} at ${formatDuration(c.at_s * 1000)}, ${usd(c.cost_usd)}: \`${c.commit.slice(0, 12)}\``,
    );
  }
  if (report.rollbacks.length) {
    lines.push("", "## Rollbacks", "");
    for (const r of report.rollbacks)
      lines.push(`- ${formatDuration(r.at_s * 1000)}: from ${r.from} to ${r.to}: ${r.reason}`);
  }
  if (extra.guardDetails.length) {
    lines.push("", "## Guards", "");
    for (const g of extra.guardDetails) lines.push(`- ${g}`);
  }
  if (extra.diffStat)
    lines.push("", "## Files changed (start to the delivered checkpoint)", "", "```", extra.diffStat, "```");
  lines.push(
    "",
    `Checkpoints are git commits under \`refs/nightshift/runs/${report.run_id}/<n>\`; inspect one with \`git show --stat <commit>\`.`,
    "",
  );
  return lines.join("\n");
}

function lookFirst(report: RunReport): string[] {
  const items: string[] = [];
  const failed = report.stages.filter((s) => s.status === "failed");
  const unfinished = report.stages.filter((s) => s.status === "pending" || s.status === "in_progress");
  if (report.status !== "completed") items.push(`The run ended as \`${report.status}\`: ${report.reason}.`);
  if (failed.length) items.push(`Failed stage(s): ${failed.map((s) => `${s.id} (${s.title})`).join(", ")}.`);
  if (unfinished.length) items.push(`Not finished: ${unfinished.map((s) => s.id).join(", ")}.`);
  if (report.rollbacks.length) items.push(`${report.rollbacks.length} rollback(s): see why below.`);
  if (report.guards.length)
    items.push(`${report.guards.length} guard event(s): the agent looped, stalled or over-thought.`);
  const latest = report.checkpoints.at(-1);
  if (latest && report.artifact.checkpoint !== null && latest.n !== report.artifact.checkpoint) {
    items.push(
      `The workspace holds checkpoint ${latest.n} (not verified green); the artifact holds the last green checkpoint ${report.artifact.checkpoint}.`,
    );
  }
  if (items.length === 0) items.push("Everything is green: review the changes below and the artifact.");
  return items;
}
