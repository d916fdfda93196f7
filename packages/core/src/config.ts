/** Reading and editing config.toml, for the `nightshift mcp` commands and other config tools. */

export * from "./host/config/config-edit.js";
export { configPath, loadConfigToml, nightshiftHome, validateConfig } from "./host/config/load.js";
export { SERVER_NAME_PATTERN } from "./host/config/mcp-servers.js";
export { type CliOverrides, type RuntimeConfig, resolveRuntimeConfig } from "./host/config/resolve.js";
export { type ConfigToml, type McpServerToml, mcpServerSchema } from "./host/config/schema.js";
export { ConfigError } from "./host/errors.js";
