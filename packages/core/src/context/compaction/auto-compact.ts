import type { Agent, TurnHooks } from "../../agent/agent.js";
import type { ResponseItem } from "../../model/items.js";
import { compactAgentHistory } from "./compactor.js";

/** Compactions allowed inside one turn before the engine stops trying (it then fails the turn). */
export const MAX_COMPACTIONS_PER_TURN = 3;

export type AutoCompactConfig = {
  /** Compact when the context reaches this many tokens. */
  limitTokens: number;
  preferRemote: boolean;
  initialContext: (agent: Agent) => ResponseItem[];
};

/** Default threshold: the configured limit, capped at 90% of the window. */
export function autoCompactLimit(contextWindow: number, configured?: number): number {
  const ninety = Math.floor((contextWindow * 9) / 10);
  return configured === undefined ? ninety : Math.min(configured, ninety);
}

/** Turn hooks that compact before a turn and between requests when the context is full. */
export function autoCompactHooks(
  config: AutoCompactConfig,
): Pick<TurnHooks, "beforeTurn" | "afterResponse" | "onContextWindowExceeded"> & {
  compactNow(agent: Agent, signal: AbortSignal, reason: "manual" | "context_window_exceeded"): Promise<void>;
} {
  let compactionsThisTurn = 0;
  const run = async (agent: Agent, signal: AbortSignal, reason: "auto" | "manual" | "context_window_exceeded") => {
    compactionsThisTurn++;
    const event = await compactAgentHistory(agent, {
      reason,
      signal,
      preferRemote: config.preferRemote,
      targetTokens: Math.floor(config.limitTokens * 0.8),
      initialContext: () => config.initialContext(agent),
    });
    agent.emit(event);
  };
  return {
    async beforeTurn(agent, signal) {
      compactionsThisTurn = 0;
      if (agent.history.length > 0 && agent.contextTokens() >= config.limitTokens) await run(agent, signal, "auto");
    },
    async afterResponse(agent, _usage, needsFollowUp, signal) {
      if (!needsFollowUp || agent.contextTokens() < config.limitTokens) return;
      if (compactionsThisTurn >= MAX_COMPACTIONS_PER_TURN) {
        throw new Error(
          `the context is still over the compaction limit after ${MAX_COMPACTIONS_PER_TURN} compactions in this turn; stopping instead of looping`,
        );
      }
      await run(agent, signal, "auto");
    },
    onContextWindowExceeded: (agent, signal) => run(agent, signal, "context_window_exceeded"),
    compactNow: (agent, signal, reason) => run(agent, signal, reason),
  };
}
