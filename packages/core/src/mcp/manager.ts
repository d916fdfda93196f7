import type { Clock } from "../agent/clock.js";
import type { TurnHooks, TurnScope } from "../agent/turn-scope.js";
import { ToolRegistry } from "../tools/registry.js";
import { type FunctionTool, type Tool, toolSpec } from "../tools/tool.js";
import type { McpServerConfig } from "./config.js";
import { McpConnection, type McpConnectionDeps, type McpToolInfo } from "./connection.js";
import { createMcpTool } from "./mcp-tool.js";
import { compareRaw, qualifyToolNames } from "./names.js";
import { mcpResourceTools } from "./resource-tools.js";

export type McpManagerDeps = McpConnectionDeps & { clock: Clock };

export type McpServerProblem = { name: string; error: string };

export type McpStartupReport = {
  ready: string[];
  /** Required servers that could not start: the session must not begin. */
  requiredFailures: McpServerProblem[];
  /** Other servers that could not start: their tools are missing. */
  failures: McpServerProblem[];
  /** Servers still starting after the grace period: their tools join at a later turn. */
  pending: string[];
};

type Offer = {
  tools: FunctionTool[];
  keys: Map<string, string>;
  counts: Map<string, number>;
  /** Why some tools are not offered (the caps below), or null. */
  capped: string | null;
};

/**
 * What the MCP tools of a session may add to every request, together: a server listing 20,000
 * tools (79 MiB of definitions) must not ride along with each one. Tools past either cap are not
 * offered, in the stable order (server, then tool name), and a warning says which.
 */
export const MCP_TOOL_CAPS = { maxTools: 512, maxBytes: 1024 * 1024 } as const;

/**
 * The MCP servers of one session. Starts them in parallel; offers their tools sorted by server
 * and tool name (the order never depends on which server answered first); and, at turn
 * boundaries only, swaps in tools that arrived or changed since, one cache miss per change.
 * One manager serves one agent.
 */
export class McpManager {
  readonly #connections: McpConnection[];
  readonly #clock: Clock;
  #offer: Offer = { tools: [], keys: new Map(), counts: new Map(), capped: null };
  /** The cap warning waiting to be shown at the next turn (set when the offer is built). */
  #pendingWarning: string | null = null;

  constructor(configs: readonly McpServerConfig[], deps: McpManagerDeps) {
    this.#clock = deps.clock;
    this.#connections = configs.map((config) => new McpConnection(config, deps));
  }

  get connections(): readonly McpConnection[] {
    return this.#connections;
  }

  /**
   * Waits for required servers (each up to its own startup timeout) and for the others up to
   * `graceMs`, so a slow optional server does not hold the first request back.
   */
  async waitForStartup(graceMs: number): Promise<McpStartupReport> {
    const required = this.#connections.filter((c) => c.config.required);
    const optional = this.#connections.filter((c) => !c.config.required);
    const grace = new AbortController();
    const optionalStarted = Promise.all(optional.map((c) => c.started));
    await Promise.all([
      ...required.map((c) => c.started),
      Promise.race([optionalStarted, this.#clock.sleep(graceMs, grace.signal).catch(() => {})]),
    ]);
    grace.abort();
    const report: McpStartupReport = { ready: [], requiredFailures: [], failures: [], pending: [] };
    for (const c of this.#connections) {
      if (c.status === "ready") report.ready.push(c.name);
      else if (c.status === "starting") report.pending.push(c.name);
      else
        (c.config.required ? report.requiredFailures : report.failures).push({
          name: c.name,
          error: c.error,
        });
    }
    return report;
  }

  /**
   * The tools for the first request: the resource tools (when any server is configured), then
   * the MCP tools of the servers ready now. Later changes arrive through `hooks()`.
   */
  initialTools(): Tool[] {
    this.#offer = this.#build();
    this.#pendingWarning = this.#offer.capped;
    const resources = this.#connections.length > 0 ? mcpResourceTools(() => this.#connections) : [];
    return [...resources, ...this.#offer.tools];
  }

  /** Why some tools are left out of the requests (`MCP_TOOL_CAPS`), or null when all are offered. */
  get capWarning(): string | null {
    return this.#offer.capped;
  }

  /** A `beforeTurn` hook that brings late or changed tools in at the start of a turn. */
  hooks(): TurnHooks {
    return { beforeTurn: async (scope) => this.#applyChanges(scope) };
  }

  async close(): Promise<void> {
    await Promise.all(this.#connections.map((c) => c.close()));
  }

  #applyChanges(agent: TurnScope): void {
    if (this.#pendingWarning) agent.emit({ type: "warning", message: this.#pendingWarning });
    this.#pendingWarning = null;
    const next = this.#build();
    const changed = [...new Set([...next.keys.keys(), ...this.#offer.keys.keys()])].filter(
      (server) => next.keys.get(server) !== this.#offer.keys.get(server),
    );
    if (changed.length === 0) return;
    const previous = new Set(this.#offer.tools.map((tool) => tool.name));
    const kept = agent.tools.tools.filter((tool) => !previous.has(tool.name));
    agent.setTools(new ToolRegistry([...kept, ...next.tools]));
    this.#offer = next;
    const what = changed.map((server) => `${server} (${next.counts.get(server) ?? 0} tools)`).join(", ");
    const cost =
      agent.history.length > 0
        ? "; the tool list is part of the cached prompt prefix, so this costs one prompt-cache miss"
        : "";
    agent.emit({ type: "warning", message: `MCP tools changed from this turn on: ${what}${cost}` });
    if (next.capped) agent.emit({ type: "warning", message: next.capped });
  }

  #build(): Offer {
    const entries: { connection: McpConnection; info: McpToolInfo }[] = [];
    for (const connection of this.#connections) {
      for (const info of connection.tools) entries.push({ connection, info });
    }
    entries.sort((a, b) =>
      compareRaw(
        { server: a.connection.name, tool: a.info.name },
        { server: b.connection.name, tool: b.info.name },
      ),
    );
    const names = qualifyToolNames(entries.map((e) => ({ server: e.connection.name, tool: e.info.name })));
    const tools: FunctionTool[] = [];
    const parts = new Map<string, string[]>();
    const counts = new Map<string, number>();
    const dropped = new Map<string, number>();
    let bytes = 0;
    entries.forEach((entry, index) => {
      const server = entry.connection.name;
      const tool = createMcpTool(entry.connection, entry.info, names[index]!);
      const spec = JSON.stringify([toolSpec(tool), tool.readOnly]);
      const size = Buffer.byteLength(spec, "utf8");
      if (tools.length >= MCP_TOOL_CAPS.maxTools || bytes + size > MCP_TOOL_CAPS.maxBytes) {
        dropped.set(server, (dropped.get(server) ?? 0) + 1);
        return;
      }
      bytes += size;
      tools.push(tool);
      const list = parts.get(server) ?? [];
      list.push(spec);
      parts.set(server, list);
      counts.set(server, list.length);
    });
    const keys = new Map([...parts].map(([server, list]) => [server, list.join("\n")]));
    return { tools, keys, counts, capped: cappedWarning(dropped, entries.length) };
  }
}

function cappedWarning(dropped: ReadonlyMap<string, number>, listed: number): string | null {
  if (dropped.size === 0) return null;
  const total = [...dropped.values()].reduce((sum, count) => sum + count, 0);
  const which = [...dropped].map(([server, count]) => `${count} of "${server}"`).join(", ");
  return (
    `MCP servers list ${listed} tools; ${total} are not offered to the model (${which}): every request may carry at most ` +
    `${MCP_TOOL_CAPS.maxTools} MCP tools and ${MCP_TOOL_CAPS.maxBytes / 1024} KiB of their definitions. ` +
    "Disable tools the session does not need in the server's config."
  );
}
