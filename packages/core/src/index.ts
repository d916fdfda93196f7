export { Agent, type AgentDeps, type TurnHooks, type TurnSettings } from "./agent/agent.js";
export { type Clock, systemClock } from "./agent/clock.js";
export { composeHooks } from "./agent/compose-hooks.js";
export type { AgentEvent } from "./agent/events.js";
export { History } from "./agent/history.js";
export { type AgentsMdResult, DEFAULT_PROJECT_DOC_MAX_BYTES, discoverAgentsMd } from "./context/agents-md.js";
export { BASE_INSTRUCTIONS } from "./context/base-instructions.js";
export {
  autoCompactHooks,
  autoCompactLimit,
  MAX_UNHELPFUL_COMPACTIONS,
} from "./context/compaction/auto-compact.js";
export { compactAgentHistory } from "./context/compaction/compactor.js";
export { SUMMARY_PREFIX, SUMMARY_PROMPT } from "./context/compaction/prompts.js";
export { contextHooks } from "./context/context-hooks.js";
export { environmentContextText, localDate } from "./context/environment.js";
export {
  buildInitialContext,
  buildSettingsDiff,
  type ContextSources,
  turnContextOf,
} from "./context/initial-context.js";
export { type LedgerEntry, UsageLedger, usageSummaryLine } from "./context/ledger.js";
export { permissionsText } from "./context/permissions.js";
export * from "./exec/index.js";
// The MCP client (and its SDK) loads only when a server is configured: import "@nightshift/core/mcp".
export {
  DEFAULT_MCP_STARTUP_GRACE_MS,
  DEFAULT_MCP_STARTUP_TIMEOUT_MS,
  DEFAULT_MCP_TOOL_TIMEOUT_MS,
  type McpServerConfig,
  type McpTransportConfig,
} from "./mcp/config.js";
export * from "./model/catalog.js";
export * from "./model/chat/index.js";
export * from "./model/client.js";
export * from "./model/errors.js";
export {
  createNodeTransport,
  type HttpResponse,
  type HttpTransport,
} from "./model/http-transport.js";
export * from "./model/items.js";
export * from "./model/provider.js";
export { createResponsesClient, type HttpDeps, parseUsage } from "./model/responses-client.js";
export { backoffDelayMs, retryDelayMs } from "./model/retry.js";
export { readSse } from "./model/sse.js";
export * from "./sandbox/index.js";
export * from "./sandbox/policy.js";
export { type OpenedSession, type OpenSessionArgs, openSession } from "./session/open-session.js";
export {
  findRollout,
  type LoadedSession,
  listRollouts,
  loadRollout,
  sessionIdOf,
} from "./session/rollout-reader.js";
export * from "./session/rollout-types.js";
export { RolloutWriter, rolloutPathFor } from "./session/rollout-writer.js";
export * from "./tools/apply-patch/index.js";
export { builtinTools } from "./tools/builtin.js";
export { grepTool } from "./tools/grep/tool.js";
export { listDirTool } from "./tools/list-dir/tool.js";
export { readFileTool } from "./tools/read-file/tool.js";
export { ToolRegistry } from "./tools/registry.js";
export { shellTool } from "./tools/shell/tool.js";
export * from "./tools/tool.js";
export * from "./tools/truncate.js";
export { type PlanStep, updatePlanTool } from "./tools/update-plan/tool.js";
export { quoteArgv } from "./util/shell-quote.js";
