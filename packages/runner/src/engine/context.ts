import fs from "node:fs";
import type { Clock, HostDeps, SessionEvent } from "@nightshift/core";
import { ActiveTime } from "../budget/active-time.js";
import { Budget } from "../budget/budget.js";
import type { EventLog, RunEventBody } from "../events.js";
import type { CheckpointRepo } from "../git/checkpoints.js";
import { appendLine } from "../state/atomic-file.js";
import type { RunPaths } from "../state/paths.js";
import type { RunStore } from "../state/run-store.js";
import type { ModelUsage, RunState, StageState, TokenTotals } from "../state/state-schema.js";

/** Everything the parts of a run share: its state (and how to persist it), clock, budget, repo, events. */
export class RunContext {
  readonly time: ActiveTime;
  readonly budget: Budget;
  repo: CheckpointRepo | null = null;
  /** Set by a cancel (SIGINT/SIGTERM): the run wraps up as `cancelled` at the next step. */
  cancelled = false;
  /** Called on cancel so a running turn stops at once. */
  onCancel: (() => void) | null = null;
  /** The slowest piece of the runner's own work seen so far (a checkpoint, a verification, a new session). */
  slowestOpMs = 0;

  constructor(
    public state: RunState,
    readonly store: RunStore,
    readonly paths: RunPaths,
    readonly events: EventLog,
    readonly clock: Clock,
    readonly hostDeps: HostDeps,
    readonly onSessionEvent: ((event: SessionEvent) => void) | undefined,
  ) {
    this.time = new ActiveTime(clock, state.active_ms);
    this.budget = new Budget({ maxCost: state.settings.max_cost, hourlyFee: state.settings.hourly_fee });
  }

  get settings(): RunState["settings"] {
    return this.state.settings;
  }

  /** The run's time limit in working ms. */
  get deadlineMs(): number {
    return this.settings.hours * 3_600_000;
  }

  /** Time kept for the wrap-up before the deadline: 2% of the run (at most 5 minutes), or more when the runner's own work is slow. */
  get wrapUpMs(): number {
    return Math.max(Math.min(5 * 60_000, this.deadlineMs * 0.02), 2 * this.slowestOpMs);
  }

  /**
   * Working time to keep free after the next model step: a piece of the runner's own work that
   * may follow it (a checkpoint, a verification) and the wrap-up.
   */
  reserveMs(): number {
    return this.slowestOpMs + this.wrapUpMs;
  }

  /** Times a piece of the runner's own work (in working time), so the reserve covers the slowest. */
  async measure<T>(work: () => Promise<T>): Promise<T> {
    const start = this.time.elapsedMs();
    try {
      return await work();
    } finally {
      this.slowestOpMs = Math.max(this.slowestOpMs, this.time.elapsedMs() - start);
    }
  }

  /** Why the run must wrap up now (before more work of its own), or null. */
  outOfRoom(): { status: "timed_out" | "budget_exceeded"; reason: string } | null {
    const elapsed = this.time.elapsedMs();
    if (elapsed + this.reserveMs() > this.deadlineMs) {
      return { status: "timed_out", reason: `the time limit of ${this.settings.hours} h is near` };
    }
    const refusal = this.budget.refuse({
      tokensUsd: this.tokensUsd(),
      projectedUsd: 0,
      elapsedMs: elapsed,
      aheadMs: this.reserveMs(),
    });
    return refusal ? { status: "budget_exceeded", reason: refusal } : null;
  }

  /** Persists the state (with the working time so far). */
  save(): void {
    this.state.active_ms = this.time.elapsedMs();
    this.store.save(this.state);
  }

  emit(body: RunEventBody): void {
    this.events.emit(body);
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.onCancel?.();
  }

  /** Dollars of tokens so far, over every session of the run. */
  tokensUsd(): number {
    return this.state.segments.reduce((sum, segment) => sum + segment.cost_usd, 0);
  }

  feeUsd(): number {
    return this.budget.feeUsd(this.time.elapsedMs());
  }

  totalUsd(): number {
    return this.tokensUsd() + this.feeUsd();
  }

  tokenTotals(): TokenTotals {
    const total = { input: 0, cached: 0, output: 0 };
    for (const segment of this.state.segments) {
      total.input += segment.tokens.input;
      total.cached += segment.tokens.cached;
      total.output += segment.tokens.output;
    }
    return total;
  }

  /** Tokens and dollars by model and role, over every session of the run (in first-use order). */
  usageByModel(): ModelUsage[] {
    return sumByModel(this.state.segments.flatMap((segment) => segment.by_model));
  }

  currentStage(): StageState | null {
    return (
      this.state.stages?.find((stage) => stage.status === "pending" || stage.status === "in_progress") ?? null
    );
  }

  /** Appends a line to progress.md, stamped with the working time. */
  progress(line: string): void {
    appendLine(
      this.paths.progress,
      `- [${formatDuration(this.time.elapsedMs())}] ${line.replace(/\n/g, " ")}`,
    );
  }

  progressHeading(text: string): void {
    appendLine(this.paths.progress, `\n## ${text}`);
  }

  readProgress(): string {
    try {
      return fs.readFileSync(this.paths.progress, "utf8");
    } catch {
      return "";
    }
  }

  /** Emits budget warnings (50/80/95%) not announced yet, and persists that they were. */
  checkBudgetWarnings(): void {
    const max = this.settings.max_cost;
    if (max === null) return;
    const total = this.totalUsd();
    for (const level of this.budget.newWarnings(total, this.state.budget_warnings)) {
      this.state.budget_warnings.push(level);
      this.save();
      this.emit({
        type: "run.budget",
        kind: "warning",
        percent: level,
        spent_usd: round(total),
        max_cost: max,
      });
      this.progress(`budget: ${level}% of $${max} used ($${total.toFixed(4)})`);
    }
  }
}

export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h}h${String(m).padStart(2, "0")}m${String(s % 60).padStart(2, "0")}s`;
}

export function round(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}

/** Adds up rows of the same provider, model and role. */
export function sumByModel(rows: readonly ModelUsage[]): ModelUsage[] {
  const sums = new Map<string, ModelUsage>();
  for (const row of rows) {
    const key = JSON.stringify([row.provider, row.model, row.role]);
    const sum = sums.get(key);
    if (!sum) {
      sums.set(key, { ...row, tokens: { ...row.tokens } });
      continue;
    }
    sum.requests += row.requests;
    sum.tokens.input += row.tokens.input;
    sum.tokens.cached += row.tokens.cached;
    sum.tokens.output += row.tokens.output;
    sum.cost_usd = sum.cost_usd === null || row.cost_usd === null ? null : sum.cost_usd + row.cost_usd;
  }
  return [...sums.values()];
}
