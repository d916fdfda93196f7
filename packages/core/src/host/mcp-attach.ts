import type { Clock } from "../agent/clock.js";
import type { TurnHooks } from "../agent/turn-scope.js";
import { DEFAULT_MCP_STARTUP_GRACE_MS } from "../mcp/config.js";
import type { McpManager } from "../mcp/manager.js";
import type { Tool } from "../tools/tool.js";
import { mcpServerConfigs } from "./config/mcp-servers.js";
import type { RuntimeConfig } from "./config/resolve.js";
import { SetupError } from "./errors.js";

/** MCP servers of a session: their tools (stable order) and the turn hooks that add late ones. */
export type McpAttachment = {
  /** Tools ready before the first request. */
  initialTools: Tool[];
  hooks: TurnHooks;
  warnings: string[];
  close(): Promise<void>;
  /** The servers, when any is configured. */
  manager: McpManager | null;
};

/**
 * Starts the enabled `[mcp_servers]` in parallel and waits for the required ones (throwing a
 * SetupError when one cannot start) and, up to `mcp_startup_grace_sec`, for the others.
 */
export async function attachMcp(
  runtime: RuntimeConfig,
  env: NodeJS.ProcessEnv,
  clock: Clock,
  version: string,
): Promise<McpAttachment> {
  const { configs, problems } = mcpServerConfigs(runtime.toml.mcp_servers, runtime.cwd);
  const requiredProblem = problems.find((problem) => problem.required);
  if (requiredProblem) {
    throw new SetupError(
      `required MCP server "${requiredProblem.name}" is misconfigured: ${requiredProblem.message}`,
    );
  }
  const warnings = problems.map((problem) => `MCP server "${problem.name}" skipped: ${problem.message}`);
  if (configs.length === 0) {
    return { initialTools: [], hooks: {}, warnings, close: async () => {}, manager: null };
  }
  // Loaded only now: the MCP SDK is a large module that sessions without servers never need.
  const { McpManager } = await import("../mcp/manager.js");
  const manager = new McpManager(configs, {
    env,
    clock,
    clientInfo: { name: "nightshift", version },
  });
  const graceSec = runtime.toml.mcp_startup_grace_sec;
  const report = await manager.waitForStartup(
    graceSec === undefined ? DEFAULT_MCP_STARTUP_GRACE_MS : graceSec * 1000,
  );
  if (report.requiredFailures.length > 0) {
    await manager.close();
    const lines = report.requiredFailures.map(
      (failure) => `required MCP server "${failure.name}" failed to start: ${failure.error}`,
    );
    throw new SetupError(lines.join("\n"));
  }
  for (const failure of report.failures)
    warnings.push(`MCP server "${failure.name}" failed to start: ${failure.error}`);
  for (const name of report.pending) {
    warnings.push(
      `MCP server "${name}" is still starting: its tools join at the next turn (set required = true to wait for it)`,
    );
  }
  return {
    initialTools: manager.initialTools(),
    hooks: manager.hooks(),
    warnings,
    close: () => manager.close(),
    manager,
  };
}
