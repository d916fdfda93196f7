import path from "node:path";
import {
  type AgentEvent,
  type ApprovalDecision,
  type ApprovalPolicy,
  type ApprovalRequest,
  ConfigError,
  createSession,
  findSession,
  type HostDeps,
  resumeSession,
  type SandboxMode,
  type Session,
  type SessionCeiling,
  SessionPool,
  type UserInputCallback,
} from "@nightshift/core";
import { VERSION } from "../version.js";

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
  /** The operator's limits (from config.toml and `-c`): a client can only tighten them. */
  ceiling: SessionCeiling;
  /** Asks the client; `signal` is the signal of the tool call waiting for it. */
  approve: (request: ApprovalRequest, signal: AbortSignal | undefined) => Promise<ApprovalDecision>;
  /** Puts the model's question (request_user_input) to the client; default: no one is there. */
  requestUserInput?: UserInputCallback;
  /** Threads kept open (default 8); beyond that the least recently used idle one is closed. */
  maxOpenThreads?: number;
};

/** Events of a session (warnings, progress) for the call that is waiting on it. */
export type OnEvent = (event: AgentEvent) => void;

/**
 * The agent sessions ("threads") of one `nightshift mcp-server` process, kept in the host's
 * session pool: a thread stays open between calls, one the process does not hold is resumed from
 * storage, and at most `maxOpenThreads` stay open.
 */
export class Threads {
  readonly #deps: ThreadsDeps;
  readonly #pool: SessionPool;
  /** The signal of the call currently running each thread (approvals are asked on it). */
  readonly #signals = new Map<string, AbortSignal>();

  constructor(deps: ThreadsDeps) {
    this.#deps = deps;
    this.#pool = new SessionPool({ maxOpen: deps.maxOpenThreads });
  }

  /** Starts a session from the `nightshift` tool's arguments and runs the prompt. */
  async start(args: StartArgs, signal: AbortSignal, onEvent: OnEvent): Promise<TurnOutcome> {
    const overrides = [...this.#deps.overrides, ...configOverrides(args.config ?? {})];
    if (args.developerInstructions !== undefined) {
      overrides.push(`developer_instructions=${JSON.stringify(args.developerInstructions)}`);
    }
    const session = await createSession(
      {
        cwd: path.resolve(this.#deps.cwd, args.cwd ?? "."),
        config: overrides,
        model: args.model,
        profile: args.profile,
        sandbox: args.sandbox,
        approvalPolicy: args.approvalPolicy,
        ceiling: this.#deps.ceiling,
      },
      this.#hostDeps(() => session),
    );
    this.#pool.add(session);
    for (const message of session.warnings) onEvent({ type: "warning", message });
    return this.#run(session, args.prompt, signal, onEvent);
  }

  /** Continues a thread with another prompt. */
  async reply(threadId: string, prompt: string, signal: AbortSignal, onEvent: OnEvent): Promise<TurnOutcome> {
    const ref = findSession({ id: threadId }, this.#deps.cwd, this.#deps);
    const session = await this.#pool.get(ref.id, async () => {
      const opened: Session = await resumeSession(
        { id: ref.id },
        {
          cwd: this.#deps.cwd,
          config: [...this.#deps.overrides],
          ceiling: this.#deps.ceiling,
          inheritLastTurn: true,
        },
        this.#hostDeps(() => opened),
      );
      for (const message of opened.warnings) onEvent({ type: "warning", message });
      return opened;
    });
    return this.#run(session, prompt, signal, onEvent);
  }

  /** Ids of the open threads, least recently used first. */
  openThreadIds(): string[] {
    return this.#pool.openIds();
  }

  closeAll(): Promise<void> {
    return this.#pool.closeAll();
  }

  #hostDeps(session: () => Session): HostDeps {
    return {
      home: this.#deps.home,
      env: this.#deps.env,
      version: VERSION,
      approve: (request) => this.#deps.approve(request, this.#signals.get(session().id)),
      requestUserInput: this.#deps.requestUserInput,
    };
  }

  async #run(session: Session, prompt: string, signal: AbortSignal, onEvent: OnEvent): Promise<TurnOutcome> {
    const threadId = session.id;
    if (session.busy)
      return { threadId, content: `thread ${threadId} is still running a turn`, failed: true };
    this.#signals.set(threadId, signal);
    let content = "";
    let failed = false;
    try {
      for await (const event of session.runTurn(prompt, { signal })) {
        onEvent(event);
        if (event.type === "turn_completed") content = event.lastAgentMessage ?? "";
        if (event.type === "turn_failed") {
          content = event.error.message;
          failed = true;
        }
        if (event.type === "turn_stopped") {
          content = event.reason.message;
          failed = true;
        }
      }
    } finally {
      this.#signals.delete(threadId);
      this.#pool.touch(threadId);
    }
    return { threadId, content, failed };
  }
}

const KEY = /^[A-Za-z0-9_-]+$/;

/**
 * The config.toml settings an MCP client may set through the tool's `config`: ones that only
 * shape the session. Everything else is refused, above all what reaches outside it: providers
 * (a `base_url` of the client's choosing would receive the user's API key), MCP servers and
 * `notify` (commands run unsandboxed), files read into the prompt (`model_instructions_file`,
 * `project_doc_fallback_filenames`), the shell environment, and profiles, which could carry any
 * of these. The sandbox settings a client picks are further held under the operator's ceiling.
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
  "model_supports_images",
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
