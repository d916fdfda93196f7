import { z } from "zod";
import { defineFunctionTool, type FunctionTool, type ToolContext, type ToolResult } from "../tools/tool.js";
import { formatTruncatedOutput } from "../tools/truncate.js";
import type { McpConnection } from "./connection.js";
import { callErrorText } from "./mcp-tool.js";
import { isPlainObject } from "./schema.js";

/** The servers the resource tools can see, by name in config order. */
export type McpServerLookup = () => readonly McpConnection[];

const listArgs = z.object({
  server: z.string().optional().describe("Name of the MCP server; all servers when omitted"),
  cursor: z.string().optional().describe("nextCursor from an earlier call (needs server)"),
});

type Page = { items: unknown[]; nextCursor?: string };

/**
 * `list_mcp_resources`, `list_mcp_resource_templates` and `read_mcp_resource`, in that order.
 * Read-only, so they may run in parallel with other read-only tools.
 */
export function mcpResourceTools(servers: McpServerLookup): FunctionTool[] {
  return [
    listTool(servers, {
      name: "list_mcp_resources",
      description:
        "Lists resources (files, records, documents) that the configured MCP servers offer. Read one with read_mcp_resource.",
      key: "resources",
      fetch: async (connection, cursor, signal) =>
        page(await connection.listResources(cursor, signal), "resources"),
    }),
    listTool(servers, {
      name: "list_mcp_resource_templates",
      description:
        "Lists resource templates (parameterised resource URIs) that the configured MCP servers offer. Fill one in and read it with read_mcp_resource.",
      key: "resourceTemplates",
      fetch: async (connection, cursor, signal) =>
        page(await connection.listResourceTemplates(cursor, signal), "resourceTemplates"),
    }),
    defineFunctionTool({
      name: "read_mcp_resource",
      description: "Reads one resource from an MCP server, by the server's name and the resource's URI.",
      readOnly: true,
      parameters: z.object({
        server: z.string().describe("Name of the MCP server"),
        uri: z.string().describe("URI of the resource, as listed by list_mcp_resources"),
      }),
      async execute(args, ctx) {
        const found = findServer(servers, args.server);
        if (typeof found === "string") return failure(found);
        try {
          const result = await found.readResource(args.uri, ctx.signal);
          const contents = isPlainObject(result) && Array.isArray(result.contents) ? result.contents : [];
          return bounded({ server: args.server, uri: args.uri, contents }, ctx);
        } catch (err) {
          if (ctx.signal.aborted) throw err;
          return failure(callErrorText(err, found, "resources/read"));
        }
      },
    }),
  ];
}

function listTool(
  servers: McpServerLookup,
  spec: {
    name: string;
    description: string;
    key: string;
    fetch: (connection: McpConnection, cursor: string | undefined, signal: AbortSignal) => Promise<Page>;
  },
): FunctionTool {
  return defineFunctionTool({
    name: spec.name,
    description: spec.description,
    readOnly: true,
    parameters: listArgs,
    async execute(args, ctx) {
      if (args.server !== undefined) {
        const found = findServer(servers, args.server);
        if (typeof found === "string") return failure(found);
        try {
          const result = await spec.fetch(found, args.cursor, ctx.signal);
          return bounded(
            { server: args.server, [spec.key]: result.items, nextCursor: result.nextCursor },
            ctx,
          );
        } catch (err) {
          if (ctx.signal.aborted) throw err;
          return failure(callErrorText(err, found, spec.name));
        }
      }
      if (args.cursor !== undefined)
        return failure("cursor needs server: a cursor belongs to one server's listing");
      const all: unknown[] = [];
      const nextCursors: Record<string, string> = {};
      const errors: string[] = [];
      for (const connection of servers()) {
        if (connection.unavailableReason() || !connection.supportsResources) continue;
        try {
          const result = await spec.fetch(connection, undefined, ctx.signal);
          for (const item of result.items)
            all.push(isPlainObject(item) ? { server: connection.name, ...item } : item);
          if (result.nextCursor) nextCursors[connection.name] = result.nextCursor;
        } catch (err) {
          if (ctx.signal.aborted) throw err;
          errors.push(callErrorText(err, connection, spec.name));
        }
      }
      const out: Record<string, unknown> = { [spec.key]: all };
      // A server with more to list is listed further by name with its cursor.
      if (Object.keys(nextCursors).length > 0) out.nextCursors = nextCursors;
      if (errors.length > 0) out.errors = errors;
      return bounded(out, ctx);
    },
  });
}

function page(result: unknown, key: string): Page {
  if (!isPlainObject(result)) return { items: [] };
  const items = Array.isArray(result[key]) ? (result[key] as unknown[]) : [];
  return typeof result.nextCursor === "string" ? { items, nextCursor: result.nextCursor } : { items };
}

function findServer(servers: McpServerLookup, name: string): McpConnection | string {
  const connection = servers().find((candidate) => candidate.name === name);
  if (!connection) {
    const known = servers().map((candidate) => candidate.name);
    return `unknown MCP server "${name}" (servers: ${known.join(", ") || "none"})`;
  }
  const unavailable = connection.unavailableReason();
  if (unavailable) return unavailable;
  if (!connection.supportsResources) return `MCP server ${name} does not offer resources`;
  return connection;
}

function bounded(value: unknown, ctx: ToolContext): ToolResult {
  return { output: formatTruncatedOutput(JSON.stringify(value), ctx.outputBudgetBytes), success: true };
}

function failure(output: string): ToolResult {
  return { output, success: false };
}
