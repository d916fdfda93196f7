/**
 * @nightshift/core — the engine, behind one host. A face (exec, the MCP server, the runner, the
 * task API, the TUI) opens a session and consumes its typed events:
 *
 *   const session = await createSession({ cwd }, { home, env, version, approve });
 *   for await (const event of session.runTurn("fix the test", { signal })) render(event);
 *   await session.close();
 *
 * Everything else is internal. Config-file helpers are at "@nightshift/core/config", the
 * apply_patch format at "@nightshift/core/apply-patch", the MCP client at "@nightshift/core/mcp".
 */

export type { CommandOptions, TurnSettings } from "./agent/agent.js";
export { type Clock, systemClock } from "./agent/clock.js";
export type { AgentEvent, EventEnvelope, SessionEvent } from "./agent/events.js";
export { REPLAYED_EVENT_TYPES } from "./agent/events.js";
export type {
  RepeatedCallThresholds,
  RequestProjection,
  StopReason,
  TurnLimits,
} from "./agent/turn-limits.js";
export { DEFAULT_REPEATED_CALL_THRESHOLDS } from "./agent/turn-limits.js";
export type { UsageBreakdownRow } from "./context/ledger.js";
export * from "./host/index.js";
export type { ModelClient, ModelRequest, ModelStreamEvent, ReasoningEffort } from "./model/client.js";
export { type BreakerState, CircuitBreakers } from "./model/gateway/index.js";
export type { ResponseItem, Usage } from "./model/items.js";
export { userMessage } from "./model/items.js";
export type { ProviderInfo } from "./model/provider.js";
export type { ApprovalPolicy, SandboxMode, SandboxPolicy } from "./sandbox/policy.js";
export type { SessionQuery, SessionRef, SessionStore } from "./session/store.js";
export type {
  ApprovalCallback,
  ApprovalDecision,
  ApprovalRequest,
  CommandResult,
  Tool,
  ToolContext,
  ToolDisplay,
  ToolResult,
  UserInputCallback,
  UserInputRequest,
  UserInputResponse,
} from "./tools/tool.js";
export { defineFunctionTool, NO_ONE_IS_HERE } from "./tools/tool.js";
export type { WebSearchMode } from "./tools/web-search/tool.js";
export { quoteArgv } from "./util/shell-quote.js";
export { type RecordedChanges, readSessionChanges } from "./workspace/session-changes.js";
