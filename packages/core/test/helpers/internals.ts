/** The engine's internals, for tests that exercise them directly (the package exports only the host). */
export { Agent, type AgentDeps, type TurnHooks, type TurnSettings } from "../../src/agent/agent.js";
export { type Clock, systemClock } from "../../src/agent/clock.js";
export { composeHooks } from "../../src/agent/compose-hooks.js";
export type { AgentEvent } from "../../src/agent/events.js";
export { History } from "../../src/agent/history.js";
export type { TurnScope } from "../../src/agent/turn-scope.js";
export {
  type AgentsMdResult,
  DEFAULT_PROJECT_DOC_MAX_BYTES,
  discoverAgentsMd,
} from "../../src/context/agents-md.js";
export { BASE_INSTRUCTIONS } from "../../src/context/base-instructions.js";
export {
  autoCompactHooks,
  autoCompactLimit,
  MAX_UNHELPFUL_COMPACTIONS,
} from "../../src/context/compaction/auto-compact.js";
export { compactAgentHistory } from "../../src/context/compaction/compactor.js";
export { SUMMARY_PREFIX, SUMMARY_PROMPT } from "../../src/context/compaction/prompts.js";
export { contextHooks } from "../../src/context/context-hooks.js";
export { environmentContextText, localDate } from "../../src/context/environment.js";
export {
  buildInitialContext,
  buildSettingsDiff,
  type ContextSources,
  turnContextOf,
} from "../../src/context/initial-context.js";
export { type LedgerEntry, UsageLedger, usageSummaryLine } from "../../src/context/ledger.js";
export { permissionsText } from "../../src/context/permissions.js";
export * from "../../src/exec/index.js";
// The MCP client (and its SDK) loads only when a server is configured: import "@nightshift/core/mcp".
export {
  DEFAULT_MCP_STARTUP_GRACE_MS,
  DEFAULT_MCP_STARTUP_TIMEOUT_MS,
  DEFAULT_MCP_TOOL_TIMEOUT_MS,
  type McpServerConfig,
  type McpTransportConfig,
} from "../../src/mcp/config.js";
export * from "../../src/model/catalog.js";
export * from "../../src/model/chat/index.js";
export * from "../../src/model/client.js";
export * from "../../src/model/errors.js";
export {
  createNodeTransport,
  type HttpResponse,
  type HttpTransport,
} from "../../src/model/http-transport.js";
export * from "../../src/model/items.js";
export * from "../../src/model/provider.js";
export { createResponsesClient, type HttpDeps, parseUsage } from "../../src/model/responses-client.js";
export { backoffDelayMs, retryDelayMs } from "../../src/model/retry.js";
export { readSse } from "../../src/model/sse.js";
export * from "../../src/sandbox/index.js";
export * from "../../src/sandbox/policy.js";
export { type LoadedSession, loadRollout } from "../../src/session/rollout-reader.js";
export * from "../../src/session/rollout-types.js";
export { RolloutWriter, rolloutPathFor } from "../../src/session/rollout-writer.js";
export { sessionIdOf } from "../../src/session/session-index.js";
export * from "../../src/tools/apply-patch/index.js";
export { builtinTools } from "../../src/tools/builtin.js";
export { grepTool } from "../../src/tools/grep/tool.js";
export { listDirTool } from "../../src/tools/list-dir/tool.js";
export { readFileTool } from "../../src/tools/read-file/tool.js";
export { ToolRegistry } from "../../src/tools/registry.js";
export { shellTool } from "../../src/tools/shell/tool.js";
export * from "../../src/tools/tool.js";
export * from "../../src/tools/truncate.js";
export { type PlanStep, updatePlanTool } from "../../src/tools/update-plan/tool.js";
export { quoteArgv } from "../../src/util/shell-quote.js";
