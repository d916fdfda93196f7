import type { SessionEvent } from "@nightshift/core";
import type { RunEvent } from "@nightshift/runner";
import { terminalSafe } from "../exec/terminal-text.js";

/** Seconds into the run as 1h02m03s. */
function at(seconds: number): string {
  const s = Math.floor(seconds);
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m${String(s % 60).padStart(2, "0")}s`;
}

function oneLine(text: string, max = 160): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The human view of a run on stderr: one line per run event, and a short line per tool call. */
export class RunHumanPrinter {
  constructor(private readonly write: (text: string) => void) {}

  run(event: RunEvent): void {
    const line = this.#format(event);
    if (line) this.write(`${line}\n`);
  }

  session(event: SessionEvent): void {
    if (event.type === "tool_call_completed") {
      const display = event.display;
      const what =
        display?.kind === "command"
          ? `$ ${display.command}${display.exitCode ? ` (exit ${display.exitCode})` : ""}`
          : display?.kind === "patch"
            ? `patch ${display.changes.map((c) => c.path).join(", ")}`
            : event.name;
      this.write(`    ${event.success ? "·" : "!"} ${oneLine(what)}\n`);
    } else if (event.type === "agent_message" && event.text.trim()) {
      this.write(`    > ${oneLine(event.text)}\n`);
    }
  }

  #format(e: RunEvent): string | null {
    switch (e.type) {
      case "run.started":
        return `run ${e.run_id}: ${e.resumed ? "resumed" : "started"} in ${e.workspace}`;
      case "run.plan":
        return `plan${e.fallback ? " (fallback: no valid plan in time)" : ""}: ${e.stages.map((s) => `${s.id} ${s.title}`).join("; ")}`;
      case "run.stage":
        return `stage ${e.stage_id}: ${e.status.replace("_", " ")}${e.status === "in_progress" ? ` — ${e.title}` : ""}`;
      case "run.verification": {
        const what = e.stage_id ? `verification of ${e.stage_id}` : "baseline";
        const details = [
          e.failing.length ? `failing: ${e.failing.join(", ")}` : "",
          e.regressions.length ? `regressions: ${e.regressions.join(", ")}` : "",
        ].filter(Boolean);
        return `${what}: ${e.passed ? "passed" : "failed"}${details.length ? ` (${details.join("; ")})` : ""}`;
      }
      case "run.review":
        // The criteria and reasons are model text: one line, no terminal controls.
        return terminalSafe(
          oneLine(
            `review of ${e.stage_id} by ${e.model}: ${e.verdicts.map((v) => `${v.met ? "yes" : "no"} — ${v.criterion}`).join("; ")}`,
            400,
          ),
        );
      case "run.checkpoint":
        return `checkpoint ${e.n}${e.green ? " (green)" : ""} at ${at(e.at_s)}, $${e.cost_usd.toFixed(4)}: ${e.reason}`;
      case "run.rollback":
        return `rollback from checkpoint ${e.from} to ${e.to} at ${at(e.at_s)}: ${e.reason}`;
      case "run.guard":
        return `guard ${e.kind} at ${at(e.at_s)}: ${e.action} (${e.detail})`;
      case "run.budget":
        return e.kind === "warning"
          ? `budget: ${e.percent}% of $${e.max_cost} used ($${e.spent_usd.toFixed(4)})`
          : `budget: stopping at $${e.spent_usd.toFixed(4)} of $${e.max_cost}`;
      case "run.completed":
        return `run ${e.run_id}: ${e.status}`;
      default:
        return null;
    }
  }
}
