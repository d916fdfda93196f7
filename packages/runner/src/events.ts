import fs from "node:fs";
import type { Clock } from "@nightshift/core";
import { appendLine } from "./state/atomic-file.js";
import type {
  Checkpoint,
  CheckResult,
  GuardEvent,
  Rollback,
  RunStatus,
  StageStatus,
} from "./state/state-schema.js";

/** What a run tells its face (`--json` prints these as JSON lines), in order. */
export type RunEventBody =
  | { type: "run.started"; run_id: string; task: string; workspace: string; resumed: boolean }
  | {
      type: "run.plan";
      stages: { id: string; title: string; acceptance: string[]; review_criteria: string[] }[];
      fallback: boolean;
    }
  | { type: "run.stage"; stage_id: string; title: string; status: StageStatus; summary?: string }
  | {
      type: "run.verification";
      /** null for the baseline. */
      stage_id: string | null;
      passed: boolean;
      results: Omit<CheckResult, "output">[];
      regressions: string[];
      failing: string[];
    }
  | {
      type: "run.review";
      stage_id: string;
      /** "<provider>:<model>" of the reviewer. */
      model: string;
      verdicts: { criterion: string; met: boolean; reason: string }[];
    }
  | ({ type: "run.checkpoint" } & Omit<Checkpoint, "reason"> & { reason: string })
  | ({ type: "run.rollback" } & Rollback)
  | ({ type: "run.guard" } & GuardEvent)
  | {
      type: "run.budget";
      kind: "warning" | "exceeded";
      percent: number;
      spent_usd: number;
      max_cost: number;
    }
  | { type: "run.completed"; run_id: string; status: RunStatus; report: string; artifact: string | null };

export type RunEvent = RunEventBody & { seq: number; ts: string };

/**
 * events.jsonl: each event gets the next seq (continued across resumes) and the clock's time, is
 * appended to the file, and only then handed to the face.
 */
export class EventLog {
  #seq: number;

  constructor(
    readonly file: string,
    private readonly clock: Clock,
    private readonly deliver: (event: RunEvent) => void,
  ) {
    this.#seq = lastSeq(file) + 1;
  }

  emit(body: RunEventBody): RunEvent {
    const event = { ...body, seq: this.#seq++, ts: new Date(this.clock.now()).toISOString() } as RunEvent;
    appendLine(this.file, JSON.stringify(event));
    this.deliver(event);
    return event;
  }
}

/** The seq of the last whole event in the file (0 when there is none). */
function lastSeq(file: string): number {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return 0;
  }
  const lines = text.split("\n");
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      const seq = (JSON.parse(lines[i]!) as { seq?: unknown }).seq;
      if (typeof seq === "number") return seq;
    } catch {
      // a torn line from a kill: look further up
    }
  }
  return 0;
}

/** Reads a run's events back (skipping a torn line). */
export function readEvents(file: string): RunEvent[] {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return [];
  }
  const events: RunEvent[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      events.push(JSON.parse(line) as RunEvent);
    } catch {
      // torn by a kill
    }
  }
  return events;
}
