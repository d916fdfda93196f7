import type { TurnHooks, TurnScope } from "../../agent/turn-scope.js";
import type { ResponseItem } from "../../model/items.js";
import { compactAgentHistory } from "./compactor.js";

/**
 * Compactions in a row that did not help (the context stayed over the limit, or filled up again
 * within MIN_REQUESTS_BETWEEN_COMPACTIONS requests) before the engine stops the turn rather than
 * compacting in a loop. A long turn may compact any number of times as long as each one helps.
 */
export const MAX_UNHELPFUL_COMPACTIONS = 3;
export const MIN_REQUESTS_BETWEEN_COMPACTIONS = 3;

export type AutoCompactConfig = {
  /** Compact when the context reaches this many tokens. */
  limitTokens: number;
  preferRemote: boolean;
  initialContext: (scope: TurnScope) => ResponseItem[];
};

/** Default threshold: the configured limit, capped at 90% of the window. */
export function autoCompactLimit(contextWindow: number, configured?: number): number {
  const ninety = Math.floor((contextWindow * 9) / 10);
  return configured === undefined ? ninety : Math.min(configured, ninety);
}

/** Turn hooks that compact before a turn and between requests when the context is full. */
export function autoCompactHooks(
  config: AutoCompactConfig,
): Pick<TurnHooks, "beforeTurn" | "afterResponse" | "onContextWindowExceeded" | "compact"> {
  let unhelpful = 0;
  let requestsSinceCompaction = Number.POSITIVE_INFINITY;
  const run = async (
    agent: TurnScope,
    signal: AbortSignal,
    reason: "auto" | "manual" | "context_window_exceeded",
  ) => {
    if (reason !== "manual" && unhelpful >= MAX_UNHELPFUL_COMPACTIONS) {
      throw new Error(
        `compaction is not keeping the context under ${config.limitTokens} tokens (${unhelpful} compactions in a row did not help); stopping instead of looping`,
      );
    }
    const quickRefill = requestsSinceCompaction < MIN_REQUESTS_BETWEEN_COMPACTIONS;
    requestsSinceCompaction = 0;
    const event = await compactAgentHistory(agent, {
      reason,
      signal,
      preferRemote: config.preferRemote,
      targetTokens: Math.floor(config.limitTokens * 0.8),
      initialContext: () => config.initialContext(agent),
    });
    agent.emit(event);
    unhelpful = quickRefill || agent.contextTokens() >= config.limitTokens ? unhelpful + 1 : 0;
  };
  return {
    async beforeTurn(agent, signal) {
      unhelpful = 0;
      if (agent.history.length > 0 && agent.contextTokens() >= config.limitTokens)
        await run(agent, signal, "auto");
    },
    async afterResponse(agent, _usage, needsFollowUp, signal) {
      requestsSinceCompaction++;
      if (!needsFollowUp || agent.contextTokens() < config.limitTokens) return;
      await run(agent, signal, "auto");
    },
    onContextWindowExceeded: (agent, signal) => run(agent, signal, "context_window_exceeded"),
    compact: (agent, signal) => run(agent, signal, "manual"),
  };
}
