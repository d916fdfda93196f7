import { nightshiftHome } from "@nightshift/core";
import { listRuns, RunStateError, runStatus } from "@nightshift/runner";
import type { RunIo } from "./run-options.js";

function money(n: number): string {
  return `$${n.toFixed(2)}`;
}

/** `nightshift run list`: one line per run, newest first. */
export function runListCommand(io: RunIo): number {
  const runs = listRuns(nightshiftHome(io.env));
  if (runs.length === 0) {
    io.stdout.write('no runs yet (start one with: nightshift run "TASK")\n');
    return 0;
  }
  const rows = runs.map((r) => [
    r.run_id,
    r.status,
    r.started_at.slice(0, 16).replace("T", " "),
    money(r.cost_usd),
    r.task,
  ]);
  const header = ["RUN", "STATUS", "STARTED", "COST", "TASK"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  for (const row of [header, ...rows]) {
    const cells = row.map((cell, i) =>
      i === row.length - 1 ? cell.replace(/\s+/g, " ").slice(0, 60) : cell.padEnd(widths[i]!),
    );
    io.stdout.write(`${cells.join("  ")}\n`);
  }
  return 0;
}

/** `nightshift run status RUN_ID`: where a run is, what it spent, and where its report is. */
export function runStatusCommand(runId: string, io: RunIo): number {
  let status: ReturnType<typeof runStatus>;
  try {
    status = runStatus(nightshiftHome(io.env), runId);
  } catch (err) {
    if (err instanceof RunStateError) {
      io.stderr.write(`nightshift: no run ${runId} (${err.message}); see nightshift run list\n`);
      return 1;
    }
    throw err;
  }
  const lines = [
    `run:         ${status.run_id}`,
    `status:      ${status.status}${status.status === "interrupted" ? ` (continue with: nightshift run resume ${status.run_id})` : ""}`,
    `task:        ${status.task}`,
    `workspace:   ${status.workspace}`,
    `started:     ${status.started_at}`,
    `worked:      ${(status.elapsed_s / 3600).toFixed(2)} h`,
    `cost:        ${money(status.cost_usd)}${status.max_cost === null ? "" : ` of ${money(status.max_cost)}`}`,
    `checkpoints: ${status.checkpoints}`,
    "stages:",
    ...(status.stages.length
      ? status.stages.map((s) => `  ${s.status.padEnd(11)} ${s.id}: ${s.title}`)
      : ["  (no plan yet)"]),
  ];
  if (status.report) lines.push(`report:      ${status.report}`);
  if (status.artifact) lines.push(`artifact:    ${status.artifact}`);
  io.stdout.write(`${lines.join("\n")}\n`);
  return 0;
}
