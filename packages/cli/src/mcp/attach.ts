import type { TurnHooks, Tool } from "@nightshift/core";
import type { RuntimeConfig } from "../config/resolve.js";

/** MCP servers of a session: their tools (stable order) and the turn hooks that add late ones. */
export type McpAttachment = {
  /** Tools ready before the first request. */
  initialTools: Tool[];
  hooks: TurnHooks;
  warnings: string[];
  close(): Promise<void>;
};

/** Starts the configured MCP servers (none yet). */
export async function attachMcp(_runtime: RuntimeConfig, _env: NodeJS.ProcessEnv): Promise<McpAttachment> {
  return { initialTools: [], hooks: {}, warnings: [], close: async () => {} };
}
