import type { RequestProjection, StopReason, TurnLimits } from "@nightshift/core";
import type { StepTimer } from "../budget/active-time.js";
import { Watchdog } from "../budget/watchdog.js";
import { lowerEffort, STUCK_THRESHOLDS } from "../guards/ladder.js";
import { CONCISE_STEP_NOTE } from "../prompts/messages.js";
import type { RunContext } from "./context.js";

/** Why the runner stopped a turn (or why it stopped by itself). */
export type StopCause =
  | "stage_complete"
  | "budget"
  | "deadline"
  | "checkpoint"
  | "segment_full"
  | "paralysis"
  | "reasoning"
  | "cancelled"
  | "prices_unknown"
  | "planned"
  | "planning_cap";

export type TurnChecks = {
  /** Checks of the caller before each request, after budget and time (first match wins). */
  extra?: (projection: RequestProjection) => StopCause | null;
  /** Current reasoning effort, to lower it after a cut-off. */
  effort: () => string | undefined;
};

/**
 * The stop conditions of one turn: before every request, the bill (tokens + this request's worst
 * case + the fee until the next check) and the deadline; a watchdog for the same limits in the
 * middle of a long tool call; the reasoning guard for answers cut off by max_output_tokens; and
 * the runner's own reasons (a stage to verify, a checkpoint due).
 */
export class TurnControl {
  cause: StopCause | null = null;
  detail = "";
  readonly abort = new AbortController();
  readonly #watchdog: Watchdog;

  constructor(
    private readonly ctx: RunContext,
    private readonly steps: StepTimer,
    private readonly checks: TurnChecks,
  ) {
    this.#watchdog = new Watchdog(ctx.clock);
    if (ctx.cancelled) this.#stopNow("cancelled");
    ctx.onCancel = () => this.#stopNow("cancelled");
  }

  limits(): TurnLimits {
    return {
      repeatedCalls: STUCK_THRESHOLDS,
      beforeRequest: (projection) => this.#beforeRequest(projection),
      onTruncatedOutput: ({ timesInTurn }) => {
        if (timesInTurn >= 2)
          return this.#stop("reasoning", `${timesInTurn} answers in a row were cut off at max_output_tokens`);
        return { kind: "retry", reasoningEffort: lowerEffort(this.checks.effort()), note: CONCISE_STEP_NOTE };
      },
    };
  }

  /** Stops the watchdog; the turn is over. */
  finish(): void {
    this.#watchdog.stop();
    this.ctx.onCancel = null;
  }

  #beforeRequest(projection: RequestProjection): StopReason | null {
    if (this.cause) return this.#reason();
    const { ctx } = this;
    const elapsed = ctx.time.elapsedMs();
    this.steps.mark(elapsed);
    const stepMs = this.steps.estimateMs();
    if (ctx.cancelled) return this.#stop("cancelled", "the run was cancelled");
    if (ctx.settings.max_cost !== null && projection.projectedCostUsd === null) {
      return this.#stop(
        "prices_unknown",
        "--max-cost is set but this model's prices are unknown: set model_input_price_per_million and model_output_price_per_million in config.toml",
      );
    }
    const tokensUsd = ctx.tokensUsd();
    const projectedUsd = projection.projectedCostUsd ?? 0;
    const aheadMs = stepMs + ctx.reserveMs();
    const refusal = ctx.budget.refuse({ tokensUsd, projectedUsd, elapsedMs: elapsed, aheadMs });
    if (refusal) return this.#stop("budget", refusal);
    if (elapsed + aheadMs > ctx.deadlineMs) {
      return this.#stop("deadline", `the next step could run past the deadline of ${ctx.settings.hours} h`);
    }
    const extra = this.checks.extra?.(projection);
    if (extra) return this.#stop(extra, extra);
    this.#arm(tokensUsd + projectedUsd);
    return null;
  }

  /** Wakes up at the deadline, or when the fee would use up what this request leaves of the budget. */
  #arm(worstTokensUsd: number): void {
    const { ctx } = this;
    const elapsed = ctx.time.elapsedMs();
    const deadline = ctx.deadlineMs - ctx.reserveMs();
    const broke = ctx.budget.exhaustedAtMs(worstTokensUsd, ctx.reserveMs());
    const cause: StopCause = broke < deadline ? "budget" : "deadline";
    this.#watchdog.arm(Math.min(deadline, broke) - elapsed, () => {
      this.detail = cause === "budget" ? "the hourly fee would use up the budget" : "the deadline is here";
      this.#stopNow(cause);
    });
  }

  #stop(cause: StopCause, detail: string): StopReason {
    this.cause ??= cause;
    if (!this.detail) this.detail = detail;
    return this.#reason();
  }

  /** Stops at once, whatever the turn is doing (a tool call is aborted). */
  #stopNow(cause: StopCause): void {
    this.cause ??= cause;
    this.abort.abort(new Error(`stopped by the runner: ${cause}`));
  }

  #reason(): StopReason {
    return {
      kind: "caller",
      message: `stopped by the runner: ${this.cause}`,
      detail: { cause: this.cause, why: this.detail },
    };
  }
}
