import type { ModelClient, ModelRequest } from "../model/client.js";
import type { ModelError } from "../model/errors.js";
import type { ResponseItem, Usage } from "../model/items.js";
import type { TurnContext } from "../session/rollout-types.js";
import type { ToolRegistry } from "../tools/registry.js";
import type { TurnSettings } from "./agent.js";
import type { AgentEvent } from "./events.js";
import type { History } from "./history.js";

/**
 * Who answered a request and what for: the model (default: the session's), its provider, the
 * role (default: the session's), and whether the usage is an estimate.
 */
export type UsageRecord = { model?: string; provider?: string; role?: string; estimated?: boolean };

/**
 * What hooks (context, compaction, MCP) may see and do in a session: record and replace history,
 * emit events, and sample through the session's one retry path. Deliberately not the Agent.
 */
export interface TurnScope {
  readonly settings: Readonly<TurnSettings>;
  readonly history: History;
  readonly tools: ToolRegistry;
  readonly client: ModelClient;
  /** Tokens the next request's context holds (reported usage plus an estimate of what came since). */
  contextTokens(): number;
  buildRequest(): ModelRequest;
  /** Appends an item to history, persisting it first. */
  record(item: ResponseItem): void;
  /** Replaces history (a compaction), persisted as one line. */
  replaceHistory(items: ResponseItem[], reason: string): void;
  /** Persists the settings a turn runs with, so a resumed session diffs against them. */
  recordTurnContext(context: TurnContext): void;
  /** Accounts one request's usage (ledger, rollout, a token_count event). */
  recordUsage(usage: Usage, options?: UsageRecord): void;
  emit(event: AgentEvent): void;
  /** Runs `attempt` with the session's retry policy (backoff, budgets, retry events). */
  retrying<T>(
    attempt: () => Promise<T>,
    signal: AbortSignal,
    recover?: (error: ModelError) => Promise<boolean>,
  ): Promise<T>;
  /** Swaps the tool list; only at a turn boundary (the list is part of the cached prefix). */
  setTools(tools: ToolRegistry): void;
}

/** Hooks that context management plugs into the loop (initial context, diffs, compaction, MCP). */
export type TurnHooks = {
  /** Items to append before the user's message (initial context or settings diff). */
  beforeUserMessage?: (scope: TurnScope) => ResponseItem[];
  /** Called after each completed response with its usage; may compact history between requests. */
  afterResponse?: (
    scope: TurnScope,
    usage: Usage,
    needsFollowUp: boolean,
    signal: AbortSignal,
  ) => Promise<void>;
  /** Called before the turn starts; may compact history. */
  beforeTurn?: (scope: TurnScope, signal: AbortSignal) => Promise<void>;
  /** Called once per turn when the provider says the context is too long; should shrink history. */
  onContextWindowExceeded?: (scope: TurnScope, signal: AbortSignal) => Promise<void>;
  /** Compacts on request (`Agent.compact`). */
  compact?: (scope: TurnScope, signal: AbortSignal) => Promise<void>;
};
