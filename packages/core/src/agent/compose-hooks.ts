import type { TurnHooks, TurnScope } from "./turn-scope.js";

/** Runs several sets of turn hooks in order (context, compaction, MCP, ...). */
export function composeHooks(...sets: TurnHooks[]): TurnHooks {
  return {
    async beforeTurn(agent: TurnScope, signal: AbortSignal) {
      for (const hooks of sets) await hooks.beforeTurn?.(agent, signal);
    },
    beforeUserMessage(agent: TurnScope) {
      return sets.flatMap((hooks) => hooks.beforeUserMessage?.(agent) ?? []);
    },
    async afterResponse(agent, usage, needsFollowUp, signal) {
      for (const hooks of sets) await hooks.afterResponse?.(agent, usage, needsFollowUp, signal);
    },
    async onContextWindowExceeded(agent, signal) {
      for (const hooks of sets) await hooks.onContextWindowExceeded?.(agent, signal);
    },
    compact: sets.some((hooks) => hooks.compact)
      ? async (agent, signal) => {
          for (const hooks of sets) await hooks.compact?.(agent, signal);
        }
      : undefined,
  };
}
