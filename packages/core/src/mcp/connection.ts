import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { type Clock, startTimer, systemClock } from "../util/clock.js";
import type { McpServerConfig } from "./config.js";
import { normalizeInputSchema } from "./schema.js";
import { createMcpTransport } from "./transport.js";

/** One tool of a server, as nightshift offers it. */
export type McpToolInfo = {
  /** The server's own name for it. */
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
  /** The server says the tool changes nothing (a hint from a server, not a guarantee). */
  readOnlyHint: boolean;
};

export type McpServerStatus = "starting" | "ready" | "failed" | "closed";

export type McpConnectionDeps = {
  env: NodeJS.ProcessEnv;
  clientInfo: { name: string; version: string };
  /** Times the start-up timeout (default: the system's). */
  clock?: Clock;
};

/** Bounds on what a server may make us do. */
const MAX_LIST_PAGES = 100;
const MAX_RELISTS_IN_A_ROW = 5;
const STDERR_TAIL_CHARS = 2_000;
/** Descriptions are sent with every request: a server may not make them arbitrarily long. */
const MAX_DESCRIPTION_CHARS = 8_192;

/**
 * A live connection to one MCP server: starts it, keeps its tool list (re-listed in the
 * background on `tools/list_changed`; the manager decides when a new list reaches the model),
 * calls tools and reads resources. Never throws from startup: failures become `status`/`error`.
 */
export class McpConnection {
  readonly config: McpServerConfig;
  readonly #client: Client;
  #status: McpServerStatus = "starting";
  #error = "";
  #tools: McpToolInfo[] = [];
  #changes = 0;
  #listing: Promise<void> | null = null;
  #stderrTail = "";
  #lastTransportError = "";
  #wasReady = false;
  /** Settles when startup has finished, one way or the other. */
  readonly started: Promise<void>;

  constructor(config: McpServerConfig, deps: McpConnectionDeps) {
    this.config = config;
    this.#client = new Client(deps.clientInfo, { capabilities: {} });
    this.#client.setNotificationHandler(ToolListChangedNotificationSchema, async () => this.#toolsChanged());
    this.started = this.#start(deps.env, deps.clock ?? systemClock);
  }

  get name(): string {
    return this.config.name;
  }

  get status(): McpServerStatus {
    return this.#status;
  }

  /** Why the server is not usable (empty while it is). */
  get error(): string {
    return this.#error;
  }

  /**
   * The latest tool list, sorted by name and filtered per configuration. Empty until the server
   * has started; a server that crashed later keeps its list (its calls then fail with a reason).
   */
  get tools(): readonly McpToolInfo[] {
    return this.#wasReady ? this.#tools : [];
  }

  get supportsResources(): boolean {
    return this.#client.getServerCapabilities()?.resources !== undefined;
  }

  /** Resolves once no re-listing is in flight. */
  async whenIdle(): Promise<void> {
    while (this.#listing) await this.#listing;
  }

  /** Text for the model when the server cannot take a call, or null when it can. */
  unavailableReason(): string | null {
    switch (this.#status) {
      case "ready":
        return null;
      case "starting":
        return `MCP server ${this.name} is still starting`;
      default:
        return `MCP server ${this.name} is not running: ${this.#error || "closed"}`;
    }
  }

  async callTool(name: string, args: Record<string, unknown>, signal: AbortSignal): Promise<unknown> {
    return this.#client.callTool({ name, arguments: args }, undefined, {
      timeout: this.config.toolTimeoutMs,
      signal,
    });
  }

  async listResources(cursor: string | undefined, signal: AbortSignal): Promise<unknown> {
    return this.#client.listResources(cursor ? { cursor } : undefined, {
      timeout: this.config.toolTimeoutMs,
      signal,
    });
  }

  async listResourceTemplates(cursor: string | undefined, signal: AbortSignal): Promise<unknown> {
    return this.#client.listResourceTemplates(cursor ? { cursor } : undefined, {
      timeout: this.config.toolTimeoutMs,
      signal,
    });
  }

  async readResource(uri: string, signal: AbortSignal): Promise<unknown> {
    return this.#client.readResource({ uri }, { timeout: this.config.toolTimeoutMs, signal });
  }

  async close(): Promise<void> {
    if (this.#status === "closed") return;
    this.#status = "closed";
    this.#error = "closed";
    await this.#client.close().catch(() => {});
  }

  async #start(env: NodeJS.ProcessEnv, clock: Clock): Promise<void> {
    const timeoutMs = this.config.startupTimeoutMs;
    let cancelTimer = () => {};
    const timeout = new Promise<never>((_, reject) => {
      cancelTimer = startTimer(clock, timeoutMs, () =>
        reject(new Error(`did not start within ${timeoutMs / 1000}s`)),
      );
    });
    try {
      await Promise.race([this.#connectAndList(env), timeout]);
      if (this.#status === "starting") {
        this.#status = "ready";
        this.#wasReady = true;
      }
    } catch (err) {
      this.#fail(err);
      await this.#client.close().catch(() => {});
    } finally {
      cancelTimer();
    }
  }

  async #connectAndList(env: NodeJS.ProcessEnv): Promise<void> {
    const { transport, stderr } = createMcpTransport(this.config.transport, env);
    stderr?.on("data", (chunk: Buffer | string) => {
      this.#stderrTail = (this.#stderrTail + chunk.toString()).slice(-STDERR_TAIL_CHARS);
    });
    this.#client.onclose = () => {
      if (this.#status === "closed" || this.#status === "failed") return;
      this.#status = "failed";
      this.#error = this.#withStderr(this.#lastTransportError || "the server exited");
    };
    this.#client.onerror = (err) => {
      this.#lastTransportError = err.message;
    };
    await this.#client.connect(transport, { timeout: this.config.startupTimeoutMs });
    await this.#syncTools();
  }

  #fail(err: unknown): void {
    // A crash reported by `onclose` already says more than the failed request does.
    if (this.#status !== "starting") return;
    this.#status = "failed";
    this.#error = this.#withStderr((err as Error)?.message ?? String(err));
  }

  #withStderr(message: string): string {
    const tail = this.#stderrTail.trim();
    return tail ? `${message} (stderr: ${tail.slice(-500)})` : message;
  }

  #toolsChanged(): void {
    this.#changes++;
    if (this.#status !== "ready" || this.#listing) return;
    this.#listing = this.#syncTools()
      .catch(() => {
        // Keep the last good list; the next notification tries again.
      })
      .finally(() => {
        this.#listing = null;
      });
  }

  /** Lists until a listing completes with no change announced meanwhile (within bounds). */
  async #syncTools(): Promise<void> {
    for (let round = 0; round < MAX_RELISTS_IN_A_ROW; round++) {
      const seen = this.#changes;
      this.#tools = await this.#listTools();
      if (seen === this.#changes) return;
    }
  }

  async #listTools(): Promise<McpToolInfo[]> {
    const byName = new Map<string, McpToolInfo>();
    let cursor: string | undefined;
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      const result = await this.#client.listTools(cursor ? { cursor } : undefined, {
        timeout: this.config.startupTimeoutMs,
      });
      for (const tool of result.tools) {
        if (!this.#offered(tool.name) || tool.execution?.taskSupport === "required") continue;
        byName.set(tool.name, {
          name: tool.name,
          description: capped(tool.description ?? tool.title ?? ""),
          inputSchema: normalizeInputSchema(tool.inputSchema),
          readOnlyHint: tool.annotations?.readOnlyHint === true,
        });
      }
      cursor = result.nextCursor;
      if (!cursor) break;
    }
    return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  #offered(tool: string): boolean {
    if (tool === "") return false;
    if (this.config.enabledTools && !this.config.enabledTools.includes(tool)) return false;
    return !this.config.disabledTools.includes(tool);
  }
}

function capped(text: string): string {
  return text.length > MAX_DESCRIPTION_CHARS ? `${text.slice(0, MAX_DESCRIPTION_CHARS - 1)}…` : text;
}
