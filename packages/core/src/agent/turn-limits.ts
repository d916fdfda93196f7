import { costOf, type ModelPrices } from "../model/catalog.js";
import type { ReasoningEffort } from "../model/client.js";
import { type Usage, ZERO_USAGE } from "../model/items.js";

/** Why a turn ended before the model was done, as the caller can act on it. */
export type StopReason = {
  kind:
    | "max_requests"
    | "token_budget"
    | "cost_budget"
    | "repeated_calls"
    | "approval_aborted"
    /** A stop decided by the caller's own `beforeRequest` check (e.g. a run's budget with fees). */
    | "caller";
  message: string;
  /** Machine-readable details (the limit, the projection, the repeated call). */
  detail?: Record<string, unknown>;
};

/** What the next request is expected to cost, checked before it is sent. */
export type RequestProjection = {
  /** Requests sent so far in this turn. */
  requestsInTurn: number;
  /** Estimated input tokens of the next request. */
  inputTokens: number;
  /** The output cap of the next request (its worst case). */
  maxOutputTokens: number;
  /** Dollars of the next request in the worst case (no cache hits, full output), null if prices are unknown. */
  projectedCostUsd: number | null;
  /** The session's totals so far. */
  sessionTokens: number;
  sessionCostUsd: number | null;
};

/**
 * Stop conditions a caller passes to a turn. Each one that fires ends the turn with a
 * `turn_stopped` event carrying a typed reason; nothing is thrown.
 */
export type TurnLimits = {
  /** Model requests this turn may send. */
  maxRequests?: number;
  /** The session's total tokens (input + output) may not pass this, projected before each request. */
  maxTokens?: number;
  /** The session's total dollars may not pass this, projected before each request. */
  maxCostUsd?: number;
  /** Stop on repeated tool calls (see RepeatedCallThresholds); off when absent. */
  repeatedCalls?: Partial<RepeatedCallThresholds>;
  /** The caller's own check before each request (a run's budget with its hourly fee, a deadline). */
  beforeRequest?: (projection: RequestProjection) => StopReason | null;
  /**
   * A response cut off by `max_output_tokens`. Without this, it is retried like any incomplete
   * response; with it, the caller decides: stop, or retry at once with a lower reasoning effort
   * and a note to the model (e.g. "answer with one concise step").
   */
  onTruncatedOutput?: (info: { timesInTurn: number }) => TruncationAction | StopReason;
};

export type TruncationAction = {
  kind: "retry";
  reasoningEffort?: ReasoningEffort;
  /** A user message appended before the retry. */
  note?: string;
};

/**
 * When repeated tool calls end a turn. The shapes follow OpenHands' stuck detector; the numbers
 * are how many times in a row a pattern must be seen.
 */
export type RepeatedCallThresholds = {
  /** The same call (name and arguments) with the same output. */
  sameCallSameOutput: number;
  /** The same call failing each time. */
  sameCallFailing: number;
  /** Two calls alternating A, B, A, B, … with unchanged outputs: the number of calls in the pattern. */
  alternatingCalls: number;
};

export const DEFAULT_REPEATED_CALL_THRESHOLDS: RepeatedCallThresholds = {
  sameCallSameOutput: 4,
  sameCallFailing: 3,
  alternatingCalls: 6,
};

/** The first budget limit the next request would break, or null. */
export function checkRequestLimits(limits: TurnLimits, projection: RequestProjection): StopReason | null {
  if (limits.maxRequests !== undefined && projection.requestsInTurn >= limits.maxRequests) {
    return {
      kind: "max_requests",
      message: `stopped: this turn reached its limit of ${limits.maxRequests} model requests`,
      detail: { limit: limits.maxRequests },
    };
  }
  const projectedTokens = projection.sessionTokens + projection.inputTokens + projection.maxOutputTokens;
  if (limits.maxTokens !== undefined && projectedTokens > limits.maxTokens) {
    return {
      kind: "token_budget",
      message: `stopped: the next request could bring the session to ${projectedTokens} tokens, over its budget of ${limits.maxTokens}`,
      detail: { limit: limits.maxTokens, used: projection.sessionTokens, projected: projectedTokens },
    };
  }
  if (limits.maxCostUsd !== undefined) {
    const spent = projection.sessionCostUsd;
    const next = projection.projectedCostUsd;
    if (spent === null || next === null) {
      return {
        kind: "cost_budget",
        message:
          "stopped: a dollar budget is set but this model's prices are unknown (set them in config.toml)",
        detail: { limit: limits.maxCostUsd },
      };
    }
    if (spent + next > limits.maxCostUsd) {
      return {
        kind: "cost_budget",
        message: `stopped: the next request could bring the cost to $${(spent + next).toFixed(4)}, over the budget of $${limits.maxCostUsd.toFixed(4)} ($${spent.toFixed(4)} spent)`,
        detail: { limit: limits.maxCostUsd, spent, projected: spent + next },
      };
    }
  }
  return limits.beforeRequest?.(projection) ?? null;
}

/** Worst-case output of a request when neither a cap nor the model's limit is known. */
const UNKNOWN_OUTPUT_LIMIT_TOKENS = 128_000;

/** What the next request may cost at worst: its input uncached and its whole output cap. */
export function projectRequest(args: {
  settings: { maxOutputTokens?: number; modelMaxOutputTokens?: number };
  requestsInTurn: number;
  inputTokens: number;
  ledger: { total: Usage; costUsd: number | null };
  prices: ModelPrices | null;
}): RequestProjection {
  const { settings, inputTokens, ledger } = args;
  const maxOutputTokens =
    settings.maxOutputTokens ?? settings.modelMaxOutputTokens ?? UNKNOWN_OUTPUT_LIMIT_TOKENS;
  return {
    requestsInTurn: args.requestsInTurn,
    inputTokens,
    maxOutputTokens,
    projectedCostUsd: costOf(
      { ...ZERO_USAGE, input_tokens: inputTokens, output_tokens: maxOutputTokens },
      args.prices,
    ),
    sessionTokens: ledger.total.input_tokens + ledger.total.output_tokens,
    sessionCostUsd: ledger.costUsd,
  };
}
