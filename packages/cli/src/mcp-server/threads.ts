import fs from "node:fs";
import path from "node:path";
import {
  type AgentEvent,
  type ApprovalDecision,
  type ApprovalPolicy,
  type ApprovalRequest,
  loadRollout,
  type SandboxMode,
  sessionIdOf,
} from "@nightshift/core";
import { ConfigError, loadConfigToml } from "../config/load.js";
import { type CliOverrides, resolveRuntimeConfig } from "../config/resolve.js";
import { attachMcp, type McpAttachment } from "../mcp/attach.js";
import { type AgentSession, createAgentSession, findSessionFile, SetupError } from "../session-factory.js";

/** Arguments of the `nightshift` tool (already validated). */
export type StartArgs = {
  prompt: string;
  cwd?: string;
  model?: string;
  profile?: string;
  sandbox?: SandboxMode;
  approvalPolicy?: ApprovalPolicy;
  config?: Record<string, unknown>;
  developerInstructions?: string;
};

export type TurnOutcome = { threadId: string; content: string; failed: boolean };

export type ThreadsDeps = {
  home: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** `-c` overrides given to `nightshift mcp-server`. */
  overrides: readonly string[];
  /** Asks the client; `signal` is the signal of the tool call waiting for it. */
  approve: (request: ApprovalRequest, signal: AbortSignal | undefined) => Promise<ApprovalDecision>;
  /** Threads kept open (default 8); beyond that the least recently used idle one is closed. */
  maxOpenThreads?: number;
};

export const DEFAULT_MAX_OPEN_THREADS = 8;

/** Events of a session (warnings, progress) for the call that is waiting on it. */
export type OnEvent = (event: AgentEvent) => void;

type Thread = {
  session: AgentSession;
  mcp: McpAttachment;
  busy: boolean;
  /** Opened and not yet run: the call that opened it is about to use it, so it is not evicted. */
  fresh: boolean;
  signal: AbortSignal | undefined;
};

/**
 * The agent sessions ("threads") of one `nightshift mcp-server` process. A thread stays open
 * between calls; one the process does not hold is resumed from its rollout file. Each thread is
 * opened once, however many calls ask for it at the same time (two rollout writers on one file
 * would interleave it). At most `maxOpenThreads` stay open: opening another closes the least
 * recently used idle one (its MCP servers and rollout), which a later reply resumes from disk.
 */
export class Threads {
  readonly #deps: ThreadsDeps;
  /** Open threads by session id, least recently used first. */
  readonly #open = new Map<string, Thread>();
  /** Threads being resumed from disk, by session id. */
  readonly #opening = new Map<string, Promise<Thread>>();
  /** Threads being closed, by session id: a resume waits for the close to finish. */
  readonly #closing = new Map<string, Promise<void>>();

  constructor(deps: ThreadsDeps) {
    this.#deps = deps;
  }

  /** Starts a session from the `nightshift` tool's arguments and runs the prompt. */
  async start(args: StartArgs, signal: AbortSignal, onEvent: OnEvent): Promise<TurnOutcome> {
    const cwd = path.resolve(this.#deps.cwd, args.cwd ?? ".");
    if (!fs.existsSync(cwd) || !fs.statSync(cwd).isDirectory())
      throw new SetupError(`cwd ${cwd} is not a directory`);
    const overrides = [...this.#deps.overrides, ...configOverrides(args.config ?? {})];
    if (args.developerInstructions !== undefined) {
      overrides.push(`developer_instructions=${JSON.stringify(args.developerInstructions)}`);
    }
    const thread = await this.#openThread({
      overrides,
      flags: {
        cwd,
        model: args.model,
        profile: args.profile,
        sandbox: args.sandbox,
        approvalPolicy: args.approvalPolicy,
      },
      onEvent,
    });
    return this.#run(thread, args.prompt, signal, onEvent);
  }

  /** Continues a thread with another prompt. */
  async reply(threadId: string, prompt: string, signal: AbortSignal, onEvent: OnEvent): Promise<TurnOutcome> {
    const thread = this.#open.get(threadId) ?? (await this.#resume(threadId, onEvent));
    return this.#run(thread, prompt, signal, onEvent);
  }

  /** Ids of the open threads, least recently used first. */
  openThreadIds(): string[] {
    return [...this.#open.keys()];
  }

  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.#opening.values()]);
    const threads = [...this.#open.values()];
    this.#open.clear();
    await Promise.all([...threads.map(closeThread), ...this.#closing.values()]);
  }

  /** The open thread for `threadId` (a prefix is fine), resuming it from disk once. */
  async #resume(threadId: string, onEvent: OnEvent): Promise<Thread> {
    const file = findSessionFile(this.#deps.home, { id: threadId });
    const id = sessionIdOf(file);
    const open = this.#open.get(id);
    if (open) return open;
    let pending = this.#opening.get(id);
    if (!pending) {
      pending = this.#resumeFile(id, file, onEvent).finally(() => this.#opening.delete(id));
      this.#opening.set(id, pending);
    }
    return pending;
  }

  async #resumeFile(id: string, file: string, onEvent: OnEvent): Promise<Thread> {
    await this.#closing.get(id);
    const last = loadRollout(file).lastTurnContext;
    return this.#openThread({
      overrides: [...this.#deps.overrides],
      flags: {
        cwd: last?.cwd && fs.existsSync(last.cwd) ? last.cwd : this.#deps.cwd,
        model: last?.model,
        sandbox: last?.sandbox_mode as SandboxMode | undefined,
        approvalPolicy: last?.approval_policy as ApprovalPolicy | undefined,
      },
      resumePath: file,
      onEvent,
    });
  }

  /** Closes the least recently used idle threads until at most `maxOpenThreads` are open. */
  #evictIdle(): void {
    const max = Math.max(1, this.#deps.maxOpenThreads ?? DEFAULT_MAX_OPEN_THREADS);
    for (const [id, thread] of this.#open) {
      if (this.#open.size <= max) return;
      // A thread with terminal sessions (a dev server the model polls) is not idle.
      if (thread.busy || thread.fresh || (thread.session.agent.deps.ptySessions?.size ?? 0) > 0) continue;
      this.#open.delete(id);
      const closing = closeThread(thread)
        .catch(() => {})
        .finally(() => this.#closing.delete(id));
      this.#closing.set(id, closing);
    }
  }

  async #openThread(spec: {
    overrides: string[];
    flags: CliOverrides;
    resumePath?: string;
    onEvent: OnEvent;
  }): Promise<Thread> {
    const { home, env } = this.#deps;
    const toml = loadConfigToml(home, spec.overrides);
    const runtime = resolveRuntimeConfig(toml, spec.flags, env);
    const mcp = await attachMcp(runtime, env);
    const holder: { thread?: Thread } = {};
    const session = await createAgentSession({
      runtime,
      home,
      env,
      resumePath: spec.resumePath,
      approve: (request) => this.#deps.approve(request, holder.thread?.signal),
      extraTools: mcp.initialTools,
      extraHooks: [mcp.hooks],
    }).catch(async (err: unknown) => {
      await mcp.close();
      throw err;
    });
    const thread: Thread = { session, mcp, busy: false, fresh: true, signal: undefined };
    holder.thread = thread;
    this.#open.set(session.agent.sessionId, thread);
    this.#evictIdle();
    for (const message of [...session.warnings, ...mcp.warnings]) spec.onEvent({ type: "warning", message });
    return thread;
  }

  async #run(thread: Thread, prompt: string, signal: AbortSignal, onEvent: OnEvent): Promise<TurnOutcome> {
    const threadId = thread.session.agent.sessionId;
    thread.fresh = false;
    if (thread.busy) return { threadId, content: `thread ${threadId} is still running a turn`, failed: true };
    thread.busy = true;
    // Most recently used last: the eviction order.
    if (this.#open.delete(threadId)) this.#open.set(threadId, thread);
    thread.signal = signal;
    let content = "";
    let failed = false;
    try {
      for await (const event of thread.session.agent.runTurn(prompt, signal)) {
        onEvent(event);
        if (event.type === "turn_completed") content = event.lastAgentMessage ?? "";
        if (event.type === "turn_failed") {
          content = event.error.message;
          failed = true;
        }
      }
    } finally {
      thread.busy = false;
      thread.signal = undefined;
      this.#evictIdle();
    }
    return { threadId, content, failed };
  }
}

async function closeThread(thread: Thread): Promise<void> {
  await thread.session.close();
  await thread.mcp.close();
}

const KEY = /^[A-Za-z0-9_-]+$/;

/**
 * The config.toml settings an MCP client may set through the tool's `config`: ones that only
 * shape the session. Everything else is refused, above all what reaches outside it: providers
 * (a `base_url` of the client's choosing would receive the user's API key), MCP servers and
 * `notify` (commands run unsandboxed), files read into the prompt (`model_instructions_file`,
 * `project_doc_fallback_filenames`), the shell environment, and profiles, which could carry any
 * of these.
 */
export const CLIENT_CONFIG_KEYS: ReadonlySet<string> = new Set([
  "model",
  "model_provider",
  "profile",
  "approval_policy",
  "sandbox_mode",
  "sandbox_workspace_write",
  "model_reasoning_effort",
  "model_reasoning_summary",
  "model_verbosity",
  "model_context_window",
  "model_max_output_tokens",
  "model_auto_compact_token_limit",
  "tool_output_token_limit",
  "developer_instructions",
  "compact_prompt",
  "show_raw_agent_reasoning",
  "oss_provider",
  "project_doc_max_bytes",
  "project_root_markers",
  "mcp_startup_grace_sec",
  "model_input_price_per_million",
  "model_cached_input_price_per_million",
  "model_output_price_per_million",
]);

/** The tool's `config` object as `-c key.path=value` overrides (values as TOML via JSON). */
export function configOverrides(config: Record<string, unknown>, prefix = ""): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    if (!KEY.test(key)) throw new ConfigError(`config: invalid key "${prefix}${key}"`);
    if (prefix === "" && !CLIENT_CONFIG_KEYS.has(key)) {
      throw new ConfigError(
        `config: "${key}" cannot be set through the nightshift tool: only settings that shape the session can (${[...CLIENT_CONFIG_KEYS].join(", ")}). Providers, MCP servers, notify, the shell environment, instruction files and profiles stay as config.toml has them.`,
      );
    }
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      out.push(...configOverrides(value as Record<string, unknown>, `${prefix}${key}.`));
    } else if (value === null || value === undefined) {
      throw new ConfigError(`config: ${prefix}${key} has no value`);
    } else {
      out.push(`${prefix}${key}=${JSON.stringify(value)}`);
    }
  }
  return out;
}
