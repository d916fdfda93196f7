/** How to reach one MCP server, after the face (CLI) has read and checked its configuration. */
export type McpTransportConfig =
  | {
      type: "stdio";
      command: string;
      args: string[];
      /** Variables set for the server, on top of the inherited allow-list. */
      env: Record<string, string>;
      /** More variables to pass through from nightshift's own environment. */
      envVars: string[];
      cwd?: string;
    }
  | {
      type: "http";
      url: string;
      /** Name of the environment variable holding a bearer token. */
      bearerTokenEnvVar?: string;
      httpHeaders: Record<string, string>;
      /** Header name -> name of the environment variable holding its value. */
      envHttpHeaders: Record<string, string>;
    };

export type McpServerConfig = {
  /** The key under `[mcp_servers]`; part of every tool name the model sees. */
  name: string;
  transport: McpTransportConfig;
  /** A required server that cannot start stops the session before it begins. */
  required: boolean;
  startupTimeoutMs: number;
  toolTimeoutMs: number;
  /** When set, only these tools are offered. */
  enabledTools?: string[];
  disabledTools: string[];
  /** Its tools may run in parallel with other read-only tools. */
  supportsParallelToolCalls: boolean;
};

export const DEFAULT_MCP_STARTUP_TIMEOUT_MS = 30_000;
export const DEFAULT_MCP_TOOL_TIMEOUT_MS = 120_000;
/** How long the first request waits for servers that are not `required`. */
export const DEFAULT_MCP_STARTUP_GRACE_MS = 2_000;

/**
 * Variables a stdio server inherits without being listed: enough to find programs, a home and a
 * locale, nothing that tends to hold secrets.
 */
export const MCP_INHERITED_ENV_VARS = [
  "HOME",
  "LOGNAME",
  "PATH",
  "SHELL",
  "USER",
  "LANG",
  "LC_ALL",
  "LC_CTYPE",
  "TERM",
  "TMPDIR",
  "TZ",
] as const;

/** The environment of a stdio server: the allow-list, the listed variables, then its own `env`. */
export function stdioServerEnv(
  transport: { env: Record<string, string>; envVars: string[] },
  parentEnv: NodeJS.ProcessEnv,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of [...MCP_INHERITED_ENV_VARS, ...transport.envVars]) {
    const value = parentEnv[key];
    // Exported shell functions (`() { …`) are code, not values.
    if (value !== undefined && !value.startsWith("()")) env[key] = value;
  }
  return { ...env, ...transport.env };
}
