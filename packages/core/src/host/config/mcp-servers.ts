import path from "node:path";
import {
  DEFAULT_MCP_STARTUP_TIMEOUT_MS,
  DEFAULT_MCP_TOOL_TIMEOUT_MS,
  type McpServerConfig,
} from "../../mcp/config.js";
import type { McpServerToml } from "./schema.js";

/** Server names become part of tool names: keep them to what a tool name may hold. */
export const SERVER_NAME_PATTERN = /^[A-Za-z0-9_-]{1,40}$/;

export type McpConfigProblem = { name: string; required: boolean; message: string };

/**
 * The enabled servers of `[mcp_servers]`, sorted by name, as the engine wants them; entries that
 * cannot work are reported instead (relative `cwd`s are taken from the session's directory).
 */
export function mcpServerConfigs(
  servers: Record<string, McpServerToml> | undefined,
  cwd: string,
): { configs: McpServerConfig[]; problems: McpConfigProblem[] } {
  const configs: McpServerConfig[] = [];
  const problems: McpConfigProblem[] = [];
  for (const name of Object.keys(servers ?? {}).sort()) {
    const entry = servers![name]!;
    if (entry.enabled === false) continue;
    const required = entry.required === true;
    const problem = (message: string) => problems.push({ name, required, message });
    if (!SERVER_NAME_PATTERN.test(name)) {
      problem("the name may only hold letters, digits, '_' and '-' (at most 40)");
      continue;
    }
    if (entry.command !== undefined && entry.url !== undefined) {
      problem("set either command (stdio) or url (streamable HTTP), not both");
      continue;
    }
    const common = {
      name,
      required,
      startupTimeoutMs: secondsToMs(entry.startup_timeout_sec, DEFAULT_MCP_STARTUP_TIMEOUT_MS),
      toolTimeoutMs: secondsToMs(entry.tool_timeout_sec, DEFAULT_MCP_TOOL_TIMEOUT_MS),
      enabledTools: entry.enabled_tools,
      disabledTools: entry.disabled_tools ?? [],
      supportsParallelToolCalls: entry.supports_parallel_tool_calls === true,
    };
    if (entry.command !== undefined) {
      configs.push({
        ...common,
        transport: {
          type: "stdio",
          command: entry.command,
          args: entry.args ?? [],
          env: entry.env ?? {},
          envVars: entry.env_vars ?? [],
          cwd: entry.cwd === undefined ? undefined : path.resolve(cwd, entry.cwd),
        },
      });
    } else if (entry.url !== undefined) {
      configs.push({
        ...common,
        transport: {
          type: "http",
          url: entry.url,
          bearerTokenEnvVar: entry.bearer_token_env_var,
          httpHeaders: entry.http_headers ?? {},
          envHttpHeaders: entry.env_http_headers ?? {},
        },
      });
    } else {
      problem("needs command (a stdio server) or url (a streamable HTTP server)");
    }
  }
  return { configs, problems };
}

function secondsToMs(seconds: number | undefined, fallbackMs: number): number {
  return seconds === undefined ? fallbackMs : Math.round(seconds * 1000);
}
