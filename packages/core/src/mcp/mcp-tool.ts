import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { sanitizeApprovalRequest } from "../sandbox/approval.js";
import type { FunctionTool, ToolContext, ToolDisplay, ToolResult } from "../tools/tool.js";
import { formatTruncatedOutput } from "../tools/truncate.js";
import type { McpConnection, McpToolInfo } from "./connection.js";
import { type McpCallResult, mcpResultText } from "./result.js";

const anyObject = z.record(z.string(), z.unknown());
type AnyObject = z.infer<typeof anyObject>;

/**
 * A function tool whose JSON Schema comes from elsewhere (an MCP server). Arguments are only
 * checked to be a JSON object; the server validates the rest.
 */
export function defineRawSchemaTool(tool: {
  name: string;
  description: string;
  jsonSchema: Record<string, unknown>;
  readOnly: boolean;
  describe?(args: AnyObject): ToolDisplay | undefined;
  execute(args: AnyObject, ctx: ToolContext): Promise<ToolResult>;
}): FunctionTool<typeof anyObject> {
  return { ...tool, kind: "function", parameters: anyObject };
}

/** The approval-cache key of an MCP tool ("approved for this session" covers the tool). */
export function mcpApprovalKey(server: string, tool: string): string {
  return `mcp:${JSON.stringify([server, tool])}`;
}

/**
 * Whether a call must be approved first. MCP tools run outside nightshift's sandbox, so under
 * `untrusted` every call is asked about, except tools the server marks read-only; under the
 * other policies they run (as sandboxed commands do), and the approval callback is not used.
 */
export function mcpCallNeedsApproval(info: McpToolInfo, ctx: ToolContext, server: string): boolean {
  if (info.readOnlyHint || ctx.approvalPolicy !== "untrusted") return false;
  return !ctx.approvalCache.has(mcpApprovalKey(server, info.name));
}

/** The tool the model calls as `qualifiedName`, forwarding to `info.name` on `connection`. */
export function createMcpTool(
  connection: McpConnection,
  info: McpToolInfo,
  qualifiedName: string,
): FunctionTool {
  const server = connection.name;
  const fail = (output: string, args: unknown = null): ToolResult => ({
    output,
    success: false,
    display: { kind: "mcp", server, tool: info.name, arguments: args, error: output },
  });
  return defineRawSchemaTool({
    name: qualifiedName,
    description: info.description,
    jsonSchema: info.inputSchema,
    readOnly: info.readOnlyHint || connection.config.supportsParallelToolCalls,
    describe: (args) => ({ kind: "mcp", server, tool: info.name, arguments: args }),
    async execute(args, ctx) {
      const unavailable = connection.unavailableReason();
      if (unavailable) return fail(unavailable, args);
      if (mcpCallNeedsApproval(info, ctx, server)) {
        const answer = await ctx.approve(
          sanitizeApprovalRequest({
            callId: ctx.callId,
            kind: "mcp",
            summary: `${server}.${info.name} ${preview(args)}`,
            reason: "MCP tools run outside the sandbox (approval policy untrusted)",
          }),
        );
        if (answer === "approved_for_session") ctx.approvalCache.add(mcpApprovalKey(server, info.name));
        if (answer === "abort") return fail("MCP tool call rejected by user: the turn was aborted", args);
        if (answer !== "approved" && answer !== "approved_for_session")
          return fail("MCP tool call rejected by user", args);
      }
      let result: unknown;
      try {
        result = await connection.callTool(info.name, args, ctx.signal);
      } catch (err) {
        if (ctx.signal.aborted) throw err;
        return fail(callErrorText(err, connection, info.name), args);
      }
      const { text, success } = mcpResultText(result as McpCallResult);
      return {
        output: formatTruncatedOutput(text, ctx.outputBudgetBytes),
        success,
        display: success
          ? { kind: "mcp", server, tool: info.name, arguments: args, result }
          : { kind: "mcp", server, tool: info.name, arguments: args, error: text },
      };
    },
  });
}

/** What the model is told when a call did not produce a result. */
export function callErrorText(err: unknown, connection: McpConnection, tool: string): string {
  if (err instanceof McpError && err.code === ErrorCode.RequestTimeout) {
    return `MCP tool ${connection.name}.${tool} timed out after ${connection.config.toolTimeoutMs / 1000}s`;
  }
  const unavailable = connection.unavailableReason();
  if (unavailable) return unavailable;
  return `MCP tool ${connection.name}.${tool} failed: ${(err as Error)?.message ?? String(err)}`;
}

function preview(args: AnyObject): string {
  const json = JSON.stringify(args);
  return json.length > 200 ? `${json.slice(0, 199)}…` : json;
}
