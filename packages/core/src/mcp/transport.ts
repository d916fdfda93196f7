import { DEFAULT_INHERITED_ENV_VARS, StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { type McpTransportConfig, stdioServerEnv } from "./config.js";

export type CreatedTransport = { transport: Transport; stderr: NodeJS.ReadableStream | null };

/** A client transport for one server. Throws (with a message for the user) when it cannot be built. */
export function createMcpTransport(
  config: McpTransportConfig,
  parentEnv: NodeJS.ProcessEnv,
): CreatedTransport {
  if (config.type === "stdio") {
    const env: Record<string, string | undefined> = stdioServerEnv(config, parentEnv);
    // The SDK adds a few variables of its own process; only ours may reach the server.
    for (const key of DEFAULT_INHERITED_ENV_VARS) if (!(key in env)) env[key] = undefined;
    const transport = new StdioClientTransport({
      command: config.command,
      args: config.args,
      env: env as Record<string, string>,
      cwd: config.cwd,
      stderr: "pipe",
    });
    return { transport, stderr: transport.stderr as NodeJS.ReadableStream | null };
  }
  let url: URL;
  try {
    url = new URL(config.url);
  } catch {
    throw new Error(`url ${JSON.stringify(config.url)} is not a valid URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new Error(`url ${config.url} is not http(s)`);
  const headers: Record<string, string> = { ...config.httpHeaders };
  for (const [header, variable] of Object.entries(config.envHttpHeaders)) {
    const value = parentEnv[variable];
    if (value !== undefined && value !== "") headers[header] = value;
  }
  if (config.bearerTokenEnvVar) {
    const token = parentEnv[config.bearerTokenEnvVar];
    if (!token)
      throw new Error(`environment variable ${config.bearerTokenEnvVar} (bearer_token_env_var) is not set`);
    headers.Authorization = `Bearer ${token}`;
  }
  return { transport: new StreamableHTTPClientTransport(url, { requestInit: { headers } }), stderr: null };
}
