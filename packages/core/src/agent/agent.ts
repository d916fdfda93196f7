import type { UsageLedger } from "../context/ledger.js";
import type { LoginShellSnapshot } from "../exec/login-shell.js";
import type { PtySessionManager } from "../exec/pty-sessions.js";
import type { ModelClient, ModelRequest, ReasoningEffort, ReasoningSummary } from "../model/client.js";
import { ModelError } from "../model/errors.js";
import {
  addUsage,
  isToolCall,
  messageText,
  type ResponseItem,
  type ToolCallItem,
  type Usage,
  userMessage,
  ZERO_USAGE,
} from "../model/items.js";
import { retryBudget, retryDelayMs } from "../model/retry.js";
import type { ApprovalCache } from "../sandbox/approval.js";
import type { BashParser } from "../sandbox/bash-script.js";
import type { ApprovalPolicy, SandboxPolicy } from "../sandbox/policy.js";
import type { RolloutWriter } from "../session/rollout-writer.js";
import type { ToolRegistry } from "../tools/registry.js";
import type { ApprovalCallback, CommandRunner, ToolContext } from "../tools/tool.js";
import { Channel } from "./channel.js";
import type { Clock } from "./clock.js";
import type { AgentEvent } from "./events.js";
import { History } from "./history.js";
import { ReadWriteLock } from "./rw-lock.js";
import { outputItemFor, runToolCall, type ToolOutcome } from "./tool-calls.js";

/** Settings of a session that may change between turns (each change is appended, never edited). */
export type TurnSettings = {
  model: string;
  cwd: string;
  policy: SandboxPolicy;
  approvalPolicy: ApprovalPolicy;
  parallelToolCalls: boolean;
  reasoning?: { effort?: ReasoningEffort; summary?: ReasoningSummary };
  verbosity?: "low" | "medium" | "high";
  outputSchema?: Record<string, unknown>;
  retryLimits: { requestMaxRetries: number; streamMaxRetries: number };
  outputBudgetBytes: number;
  contextWindow: number;
};

export type AgentDeps = {
  client: ModelClient;
  tools: ToolRegistry;
  rollout: RolloutWriter;
  runCommand: CommandRunner;
  approve: ApprovalCallback;
  clock: Clock;
  random: () => number;
  env: NodeJS.ProcessEnv;
  scratchDir: string;
  newId: () => string;
  ledger: UsageLedger;
  /** What the user approved "for this session". */
  approvalCache: ApprovalCache;
  bashParser: () => Promise<BashParser | undefined>;
  /** Interactive processes of the session; whoever creates it closes it with the session. */
  ptySessions?: PtySessionManager;
  /** The session's login-shell snapshot for `bash -lc` commands (see `LoginShellSnapshot`). */
  loginShell?: LoginShellSnapshot;
};

/** Hooks that context management plugs into the loop (initial context, diffs, compaction). */
export type TurnHooks = {
  /** Items to append before the user's message (initial context or settings diff). */
  beforeUserMessage?: (agent: Agent) => ResponseItem[];
  /** Called after each completed response with its usage; may compact history between requests. */
  afterResponse?: (agent: Agent, usage: Usage, needsFollowUp: boolean, signal: AbortSignal) => Promise<void>;
  /** Called before the turn starts; may compact history. */
  beforeTurn?: (agent: Agent, signal: AbortSignal) => Promise<void>;
  /** Called once per turn when the provider says the context is too long; should shrink history. */
  onContextWindowExceeded?: (agent: Agent, signal: AbortSignal) => Promise<void>;
  /** Compacts on request (`Agent.compact`). */
  compact?: (agent: Agent, signal: AbortSignal) => Promise<void>;
};

type SampleResult = { toolCalls: number; usage: Usage };

/** The engine: runs turns over an append-only history and reports them as events. */
export class Agent {
  readonly sessionId: string;
  readonly instructions: string;
  settings: TurnSettings;
  history: History;
  readonly deps: AgentDeps;
  hooks: TurnHooks;
  #emit: (event: AgentEvent) => void = () => {};
  /** History length when the last usage was reported: items after it are estimated. */
  #lengthAtLastUsage = -1;
  #busy = false;

  constructor(args: {
    sessionId: string;
    instructions: string;
    settings: TurnSettings;
    history: History;
    deps: AgentDeps;
    hooks?: TurnHooks;
  }) {
    this.sessionId = args.sessionId;
    this.instructions = args.instructions;
    this.settings = args.settings;
    this.history = args.history;
    this.deps = args.deps;
    this.hooks = args.hooks ?? {};
  }

  /** Appends an item to history, persisting it first. */
  record(item: ResponseItem): void {
    this.deps.rollout.append("response_item", item);
    this.history.push(item);
  }

  /** Replaces history after a compaction; persisted as one `compacted` line. */
  replaceHistory(items: ResponseItem[], reason: string): void {
    this.deps.rollout.append("compacted", { replacement_history: items, reason });
    this.history = new History(items);
    this.#lengthAtLastUsage = -1;
  }

  /** Accounts one request's usage: ledger, rollout (so totals survive resume) and a token_count event. */
  recordUsage(usage: Usage): void {
    const ledger = this.deps.ledger;
    const cost = ledger.record(this.settings.model, usage);
    this.deps.rollout.append("usage", { model: this.settings.model, usage, cost_usd: cost });
    this.emit({
      type: "token_count",
      last: usage,
      total: ledger.total,
      contextWindow: this.settings.contextWindow,
      costUsd: ledger.costUsd,
    });
  }

  /**
   * Tokens the next request's context holds: the last response's input plus output, plus an
   * estimate (bytes/4) of what was appended since. Without a usable report, all of it estimated.
   */
  contextTokens(): number {
    const last = this.deps.ledger.last;
    const json = this.history.json;
    if (!last || this.#lengthAtLastUsage < 0 || this.#lengthAtLastUsage > json.length) {
      let bytes = this.instructions.length + this.deps.tools.specsJson().length;
      for (const text of json) bytes += text.length;
      return Math.ceil(bytes / 4);
    }
    let bytes = 0;
    for (let i = this.#lengthAtLastUsage; i < json.length; i++) bytes += json[i]!.length;
    return last.input_tokens + last.output_tokens + Math.ceil(bytes / 4);
  }

  /**
   * Swaps the tool list. Only at a turn boundary: the list is part of the cached prefix, so each
   * change costs one cache miss, and a request in flight must keep the tools it was sent with.
   */
  setTools(tools: ToolRegistry): void {
    this.deps.tools = tools;
  }

  /** Emits an event to whoever consumes the current turn (no-op between turns). */
  emit(event: AgentEvent): void {
    this.#emit(event);
  }

  buildRequest(): ModelRequest {
    const s = this.settings;
    return {
      model: s.model,
      instructions: this.instructions,
      input: this.history.items,
      inputJson: this.history.json,
      tools: this.deps.tools.specs(),
      toolsJson: this.deps.tools.specsJson(),
      parallelToolCalls: s.parallelToolCalls,
      reasoning: s.reasoning,
      verbosity: s.verbosity,
      outputSchema: s.outputSchema,
      promptCacheKey: this.sessionId,
      sessionId: this.sessionId,
    };
  }

  /** Runs one turn: the user's input, then requests until a response carries no tool call. */
  runTurn(input: ResponseItem[] | string, signal: AbortSignal): AsyncGenerator<AgentEvent> {
    const items = typeof input === "string" ? [userMessage(input)] : input;
    return this.#withEvents(signal, (inner) => this.#turn(items, inner));
  }

  /** Compacts the history now (e.g. `exec --compact`), through the `compact` hook. */
  compact(signal: AbortSignal): AsyncGenerator<AgentEvent> {
    return this.#withEvents(signal, async (inner) => {
      if (!this.hooks.compact) throw new Error("this session has no compaction configured");
      if (this.history.length === 0) {
        this.emit({ type: "warning", message: "nothing to compact: the session has no history yet" });
        return;
      }
      await this.hooks.compact(this, inner);
    });
  }

  /**
   * Runs `task` with its events delivered to the returned generator. One task at a time: history
   * is append-only and two writers would interleave. A consumer that stops iterating aborts the
   * task, and the generator only finishes once the task has.
   */
  async *#withEvents(
    signal: AbortSignal,
    task: (signal: AbortSignal) => Promise<void>,
  ): AsyncGenerator<AgentEvent> {
    if (this.#busy) throw new Error("a turn is already running in this session");
    this.#busy = true;
    const channel = new Channel<AgentEvent>();
    const inner = new AbortController();
    const forward = () => inner.abort(signal.reason);
    if (signal.aborted) forward();
    else signal.addEventListener("abort", forward, { once: true });
    this.#emit = (event) => channel.push(event);
    const running = task(inner.signal).finally(() => {
      this.#emit = () => {};
      channel.close();
    });
    running.catch(() => {}); // handled below; this only stops an early rejection being "unhandled"
    try {
      yield* channel;
      await running;
    } finally {
      // Reached early only when the consumer stopped listening: stop the work, then wait for it.
      inner.abort(new Error("the consumer stopped listening"));
      await running.catch(() => {});
      signal.removeEventListener("abort", forward);
      this.#busy = false;
    }
  }

  async #turn(input: ResponseItem[], signal: AbortSignal): Promise<void> {
    const turnId = this.deps.newId();
    let usage: Usage = { ...ZERO_USAGE };
    let lastAgentMessage: string | null = null;
    this.emit({ type: "turn_started", turnId });
    try {
      await this.hooks.beforeTurn?.(this, signal);
      for (const item of this.hooks.beforeUserMessage?.(this) ?? []) this.record(item);
      for (const item of input) this.record(item);
      while (true) {
        const result = await this.#sampleWithRetries(signal, (text) => {
          lastAgentMessage = text;
        });
        usage = addUsage(usage, result.usage);
        await this.hooks.afterResponse?.(this, result.usage, result.toolCalls > 0, signal);
        if (result.toolCalls === 0) break;
      }
      this.deps.rollout.append("turn_end", { status: "completed" });
      this.emit({ type: "turn_completed", turnId, usage, lastAgentMessage });
    } catch (err) {
      const aborted = signal.aborted;
      const kind = err instanceof ModelError ? err.kind : aborted ? "aborted" : "internal";
      const message = aborted ? "turn aborted by user" : (err as Error).message;
      this.deps.rollout.append("turn_end", { status: aborted ? "aborted" : "failed" });
      this.emit({ type: "turn_failed", turnId, usage, error: { message, kind } });
    } finally {
      this.deps.rollout.sync();
    }
  }

  /** One sampling request, retried on retryable failures without re-running finished tools. */
  async #sampleWithRetries(signal: AbortSignal, onMessage: (text: string) => void): Promise<SampleResult> {
    let attempt = 0;
    let compactedForOverflow = false;
    while (true) {
      // Calls of a failed attempt ran and their outputs are in history: the retry's response
      // sees them, so only the final attempt's calls decide whether the turn goes on.
      const outcome = await this.#sampleOnce(signal, onMessage);
      if (!outcome.error) return { toolCalls: outcome.toolCalls, usage: outcome.usage };
      const error = outcome.error;
      if (signal.aborted) throw new ModelError("aborted", "turn aborted by user");
      if (
        error.kind === "context_window_exceeded" &&
        this.hooks.onContextWindowExceeded &&
        !compactedForOverflow
      ) {
        compactedForOverflow = true;
        await this.hooks.onContextWindowExceeded(this, signal);
        continue;
      }
      const budget = retryBudget(error, this.settings.retryLimits);
      if (!error.retryable || attempt >= budget) {
        if (error.retryable)
          throw new ModelError(error.kind, `${error.message} (gave up after ${attempt + 1} attempts)`);
        throw error;
      }
      attempt++;
      const delayMs = retryDelayMs(error, attempt, this.deps.random);
      this.emit({ type: "retry", attempt, maxAttempts: budget, delayMs, message: error.message });
      await this.deps.clock.sleep(delayMs, signal).catch(() => {
        throw new ModelError("aborted", "turn aborted by user");
      });
    }
  }

  async #sampleOnce(
    signal: AbortSignal,
    onMessage: (text: string) => void,
  ): Promise<{ toolCalls: number; usage: Usage; error?: ModelError }> {
    const inFlight: Promise<ToolOutcome>[] = [];
    const calls: ToolCallItem[] = [];
    const lock = new ReadWriteLock();
    let usage: Usage = { ...ZERO_USAGE };
    let error: ModelError | undefined;
    const toolEnv = {
      tools: this.deps.tools,
      lock,
      context: (callId: string, callSignal: AbortSignal) => this.#toolContext(callId, callSignal),
      emit: (event: AgentEvent) => this.emit(event),
    };
    try {
      for await (const event of this.deps.client.stream(this.buildRequest(), signal)) {
        switch (event.type) {
          case "text_delta":
            this.emit({ type: "agent_message_delta", itemId: event.itemId, delta: event.delta });
            break;
          case "reasoning_delta":
            this.emit({ type: "reasoning_delta", itemId: event.itemId, delta: event.delta });
            break;
          case "item_done":
            this.record(event.item);
            this.#announce(event.item, onMessage);
            if (isToolCall(event.item)) {
              const call = event.item;
              calls.push(call);
              inFlight.push(
                runToolCall(call, toolEnv, signal).then((outcome) => {
                  this.deps.rollout.append("tool_output", outcome.output);
                  return outcome;
                }),
              );
            }
            break;
          case "completed":
            usage = event.usage;
            this.recordUsage(usage);
            this.#lengthAtLastUsage = this.history.length;
            break;
          default:
            break;
        }
      }
    } catch (err) {
      error =
        err instanceof ModelError ? err : new ModelError("transport", (err as Error).message, { cause: err });
    }
    // Every call gets an output, appended in call order, whatever happened to the stream.
    const outcomes = await Promise.allSettled(inFlight);
    outcomes.forEach((settled, index) => {
      const call = calls[index]!;
      this.record(settled.status === "fulfilled" ? settled.value.output : outputItemFor(call, "aborted"));
    });
    return { toolCalls: calls.length, usage, error };
  }

  #announce(item: ResponseItem, onMessage: (text: string) => void): void {
    if (item.type === "message" && item.role === "assistant") {
      const text = messageText(item);
      onMessage(text);
      this.emit({ type: "agent_message", text, phase: item.phase });
    } else if (item.type === "reasoning") {
      const text = [...item.summary, ...(item.content ?? [])].map((part) => part.text).join("\n\n");
      if (text) this.emit({ type: "reasoning", text });
    }
  }

  #toolContext(callId: string, signal: AbortSignal): ToolContext {
    return {
      callId,
      cwd: this.settings.cwd,
      signal,
      policy: this.settings.policy,
      approvalPolicy: this.settings.approvalPolicy,
      approve: this.deps.approve,
      approvalCache: this.deps.approvalCache,
      bashParser: this.deps.bashParser,
      runCommand: this.deps.runCommand,
      env: this.deps.env,
      scratchDir: this.deps.scratchDir,
      outputBudgetBytes: this.settings.outputBudgetBytes,
      progress: (event) => this.emit({ type: "tool_call_progress", callId, text: event.text }),
      ptySessions: this.deps.ptySessions,
      loginShell: this.deps.loginShell,
    };
  }
}
