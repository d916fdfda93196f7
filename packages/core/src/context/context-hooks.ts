import type { TurnHooks, TurnScope } from "../agent/turn-scope.js";
import type { TurnContext } from "../session/rollout-types.js";
import {
  buildInitialContext,
  buildSettingsDiff,
  type ContextSources,
  turnContextOf,
} from "./initial-context.js";

/**
 * Puts the initial context in front of a new session's first message, and afterwards appends
 * only what changed, recording each turn's context so a resumed session diffs against it.
 */
export function contextHooks(args: {
  sources: () => ContextSources;
  lastTurnContext: TurnContext | null;
}): TurnHooks {
  let last = args.lastTurnContext;
  return {
    beforeUserMessage(agent: TurnScope) {
      const sources = args.sources();
      const items =
        agent.history.length === 0 || last === null
          ? buildInitialContext(agent.settings, sources)
          : buildSettingsDiff(last, agent.settings, sources);
      last = { ...turnContextOf(agent.settings), current_date: sources.currentDate };
      agent.recordTurnContext(last);
      return items;
    },
  };
}
