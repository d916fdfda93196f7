import fs from "node:fs";
import path from "node:path";
import {
  type AgentEvent,
  type ApprovalDecision,
  type ApprovalPolicy,
  type ApprovalRequest,
  loadRollout,
  type SandboxMode,
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
};

/** Events of a session (warnings, progress) for the call that is waiting on it. */
export type OnEvent = (event: AgentEvent) => void;

type Thread = { session: AgentSession; mcp: McpAttachment; busy: boolean; signal: AbortSignal | undefined };

/**
 * The agent sessions ("threads") of one `nightshift mcp-server` process. A thread stays open
 * between calls; one the process does not hold is resumed from its rollout file.
 */
export class Threads {
  readonly #deps: ThreadsDeps;
  readonly #open = new Map<string, Thread>();

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
    let thread = this.#open.get(threadId);
    if (!thread) {
      const file = findSessionFile(this.#deps.home, { id: threadId });
      const last = loadRollout(file).lastTurnContext;
      thread = await this.#openThread({
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
    return this.#run(thread, prompt, signal, onEvent);
  }

  async closeAll(): Promise<void> {
    const threads = [...this.#open.values()];
    this.#open.clear();
    await Promise.all(threads.map(async (thread) => closeThread(thread)));
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
    const thread: Thread = { session, mcp, busy: false, signal: undefined };
    holder.thread = thread;
    this.#open.set(session.agent.sessionId, thread);
    for (const message of [...session.warnings, ...mcp.warnings]) spec.onEvent({ type: "warning", message });
    return thread;
  }

  async #run(thread: Thread, prompt: string, signal: AbortSignal, onEvent: OnEvent): Promise<TurnOutcome> {
    const threadId = thread.session.agent.sessionId;
    if (thread.busy) return { threadId, content: `thread ${threadId} is still running a turn`, failed: true };
    thread.busy = true;
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
    }
    return { threadId, content, failed };
  }
}

async function closeThread(thread: Thread): Promise<void> {
  await thread.session.close();
  await thread.mcp.close();
}

const KEY = /^[A-Za-z0-9_-]+$/;

/** The tool's `config` object as `-c key.path=value` overrides (values as TOML via JSON). */
export function configOverrides(config: Record<string, unknown>, prefix = ""): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    if (!KEY.test(key)) throw new ConfigError(`config: invalid key "${prefix}${key}"`);
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
