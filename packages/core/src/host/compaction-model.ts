import type { TurnHooks, TurnScope } from "../agent/turn-scope.js";
import type { ModelClient } from "../model/client.js";

type CompactionHooks = Pick<
  TurnHooks,
  "beforeTurn" | "afterResponse" | "onContextWindowExceeded" | "compact"
>;

/**
 * Compaction hooks whose model requests go to `client` (the `compact_model`, then the session's
 * own models) instead of the session's client; everything else about the session is the same.
 * With no client, the hooks as they are.
 */
export function onCompactionClient(hooks: CompactionHooks, client: ModelClient | null): CompactionHooks {
  if (!client) return hooks;
  const scoped = (scope: TurnScope): TurnScope => compactionScope(scope, client);
  return {
    beforeTurn: hooks.beforeTurn && ((scope, signal) => hooks.beforeTurn!(scoped(scope), signal)),
    afterResponse:
      hooks.afterResponse &&
      ((scope, usage, followUp, signal) => hooks.afterResponse!(scoped(scope), usage, followUp, signal)),
    onContextWindowExceeded:
      hooks.onContextWindowExceeded &&
      ((scope, signal) => hooks.onContextWindowExceeded!(scoped(scope), signal)),
    compact: hooks.compact && ((scope, signal) => hooks.compact!(scoped(scope), signal)),
  };
}

function compactionScope(scope: TurnScope, client: ModelClient): TurnScope {
  return {
    get settings() {
      return scope.settings;
    },
    get history() {
      return scope.history;
    },
    get tools() {
      return scope.tools;
    },
    client,
    contextTokens: () => scope.contextTokens(),
    buildRequest: () => scope.buildRequest(),
    record: (item) => scope.record(item),
    replaceHistory: (items, reason) => scope.replaceHistory(items, reason),
    recordTurnContext: (context) => scope.recordTurnContext(context),
    recordUsage: (usage, options) => scope.recordUsage(usage, options),
    emit: (event) => scope.emit(event),
    retrying: (attempt, signal, recover) => scope.retrying(attempt, signal, recover),
    setTools: (tools) => scope.setTools(tools),
  };
}
