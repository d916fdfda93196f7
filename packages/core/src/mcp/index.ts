export {
  DEFAULT_MCP_STARTUP_GRACE_MS,
  DEFAULT_MCP_STARTUP_TIMEOUT_MS,
  DEFAULT_MCP_TOOL_TIMEOUT_MS,
  MCP_INHERITED_ENV_VARS,
  type McpServerConfig,
  type McpTransportConfig,
  stdioServerEnv,
} from "./config.js";
export { McpConnection, type McpServerStatus, type McpToolInfo } from "./connection.js";
export {
  MCP_TOOL_CAPS,
  McpManager,
  type McpManagerDeps,
  type McpServerProblem,
  type McpStartupReport,
} from "./manager.js";
export { createMcpTool, defineRawSchemaTool, mcpApprovalKey, mcpCallNeedsApproval } from "./mcp-tool.js";
export { MAX_TOOL_NAME_LENGTH, qualifyToolNames, sanitizeNamePart } from "./names.js";
export { mcpResourceTools } from "./resource-tools.js";
export { mcpResultText } from "./result.js";
export { normalizeInputSchema } from "./schema.js";
