import type { UsageLedger } from "../context/ledger.js";
import type { ModelClient, ModelRequest } from "../model/client.js";
import { ModelError } from "../model/errors.js";
import { addUsage, type ResponseItem, type Usage, userMessage, ZERO_USAGE } from "../model/items.js";
import type { TurnContext } from "../session/rollout-types.js";
import { StorageError } from "../session/storage-error.js";
import type { SessionLog } from "../session/store.js";
import type { ToolRegistry } from "../tools/registry.js";
import type { CommandResult } from "../tools/tool.js";
import { EventStream } from "./event-stream.js";
import type { AgentEvent, SessionEvent } from "./events.js";
import { History } from "./history.js";
import { RepeatDetector } from "./repeat-detector.js";
import { RepeatFilter } from "./repeat-filter.js";
import { runResponseRound } from "./response-round.js";
import { withRetries } from "./retry-loop.js";
import type { AgentDeps, TurnSettings } from "./settings.js";
import { toolContextFor } from "./tool-context.js";
import {
  checkRequestLimits,
  DEFAULT_REPEATED_CALL_THRESHOLDS,
  projectRequest,
  type StopReason,
  type TurnLimits,
} from "./turn-limits.js";
import type { TurnHooks, TurnScope, UsageRecord } from "./turn-scope.js";

export type { AgentDeps, TurnSettings } from "./settings.js";
export type { TurnHooks, TurnScope, UsageRecord } from "./turn-scope.js";

/** How a face's own command runs (see Agent.runCommand). */
export type CommandOptions = { timeoutMs: number; signal?: AbortSignal; maxOutputBytes?: number };

/** The engine: runs turns over an append-only history and reports them as events. */
export class Agent implements TurnScope {
  readonly sessionId: string;
  readonly instructions: string;
  #settings: TurnSettings;
  #history: History;
  readonly #deps: AgentDeps;
  readonly #hooks: TurnHooks;
  readonly #events: EventStream;
  /** History length when the last usage was reported: items after it are estimated. */
  #lengthAtLastUsage = -1;
  /** Set when something (an approval answered "abort") stops the running turn. */
  #stopReason: StopReason | null = null;
  /** Responses of the running turn cut off by `max_output_tokens`. */
  #truncations = 0;

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
    this.#settings = args.settings;
    this.#history = args.history;
    this.#deps = args.deps;
    this.#hooks = args.hooks ?? {};
    this.#events = new EventStream({
      firstSeq: args.deps.firstSeq ?? 1,
      now: () => args.deps.clock.now(),
      persist: (event) => this.#deps.rollout.append("event", event),
    });
  }

  get settings(): Readonly<TurnSettings> {
    return this.#settings;
  }

  get history(): History {
    return this.#history;
  }

  get tools(): ToolRegistry {
    return this.#deps.tools;
  }

  get client(): ModelClient {
    return this.#deps.client;
  }

  get ledger(): UsageLedger {
    return this.#deps.ledger;
  }

  get rollout(): SessionLog {
    return this.#deps.rollout;
  }

  /** Interactive processes still open (a dev server the model polls). */
  get liveProcesses(): number {
    return this.#deps.ptySessions?.size ?? 0;
  }

  get busy(): boolean {
    return this.#events.busy;
  }

  /** The seq the next event will carry. */
  get nextSeq(): number {
    return this.#events.nextSeq;
  }

  /** Changes settings for the next turns; the next turn tells the model what changed. */
  updateSettings(patch: Partial<TurnSettings>): void {
    if (this.busy) throw new Error("settings cannot change while a turn is running");
    this.#settings = { ...this.#settings, ...patch };
  }

  record(item: ResponseItem): void {
    this.#deps.rollout.append("response_item", item);
    this.#history.push(item);
  }

  replaceHistory(items: ResponseItem[], reason: string): void {
    this.#deps.rollout.append("compacted", { replacement_history: items, reason });
    this.#history = new History(items);
    this.#lengthAtLastUsage = -1;
  }

  recordTurnContext(context: TurnContext): void {
    this.#deps.rollout.append("turn_context", context);
  }

  recordUsage(usage: Usage, options: UsageRecord = {}): void {
    const ledger = this.#deps.ledger;
    const entry = ledger.record(options.model ?? this.#settings.model, usage, options);
    this.#deps.rollout.append("usage", entry);
    this.emit({
      type: "token_count",
      last: usage,
      total: ledger.total,
      contextWindow: this.#settings.contextWindow,
      costUsd: ledger.costUsd,
    });
  }

  contextTokens(): number {
    const last = this.#deps.ledger.last;
    const sizes = this.#history.sizes;
    if (!last || this.#lengthAtLastUsage < 0 || this.#lengthAtLastUsage > sizes.length) {
      let bytes = this.instructions.length + this.#deps.tools.specsJson().length;
      for (const size of sizes) bytes += size;
      return Math.ceil(bytes / 4);
    }
    let bytes = 0;
    for (let i = this.#lengthAtLastUsage; i < sizes.length; i++) bytes += sizes[i]!;
    return last.input_tokens + last.output_tokens + Math.ceil(bytes / 4);
  }

  /**
   * Runs a command as the shell tool would (the session's sandbox policy, folder and environment),
   * outside any turn and without approvals; nothing enters history.
   */
  runCommand(argv: string[], options: CommandOptions): Promise<CommandResult> {
    const s = this.#settings;
    return this.#deps.runCommand({ argv, cwd: s.cwd, sandboxCwd: s.cwd, policy: s.policy, ...options });
  }

  setTools(tools: ToolRegistry): void {
    this.#deps.tools = tools;
  }

  /** Emits an event to whoever consumes the current turn (no-op between turns). */
  emit(event: AgentEvent): void {
    this.#events.emit(event);
  }

  retrying<T>(
    attempt: () => Promise<T>,
    signal: AbortSignal,
    recover?: (error: ModelError) => Promise<boolean>,
  ) {
    return withRetries(
      attempt,
      {
        limits: this.#settings.retryLimits,
        clock: this.#deps.clock,
        random: this.#deps.random,
        onRetry: (info) => this.emit({ type: "retry", ...info }),
        recover,
      },
      signal,
    );
  }

  buildRequest(): ModelRequest {
    const s = this.#settings;
    return {
      model: s.model,
      instructions: this.instructions,
      input: this.#history.items,
      inputJson: this.#history.json,
      tools: this.#deps.tools.specs(),
      toolsJson: this.#deps.tools.specsJson(),
      parallelToolCalls: s.parallelToolCalls,
      reasoning: s.reasoning,
      verbosity: s.verbosity,
      outputSchema: s.outputSchema,
      maxOutputTokens: s.maxOutputTokens,
      promptCacheKey: this.sessionId,
      sessionId: this.sessionId,
    };
  }

  /**
   * Runs one turn: the user's input, then requests until a response carries no tool call, or a
   * limit the caller set stops it (a `turn_stopped` event with the reason).
   */
  runTurn(
    input: ResponseItem[] | string,
    signal: AbortSignal,
    limits: TurnLimits = {},
  ): AsyncGenerator<SessionEvent> {
    const items = typeof input === "string" ? [userMessage(input)] : input;
    return this.#events.run(signal, this.#deps.newId(), (inner, turnId) =>
      this.#turn(turnId, items, inner, limits),
    );
  }

  /** Compacts the history now (e.g. `exec --compact`), through the `compact` hook. */
  compact(signal: AbortSignal): AsyncGenerator<SessionEvent> {
    return this.#events.run(signal, null, async (inner) => {
      if (!this.#hooks.compact) throw new Error("this session has no compaction configured");
      if (this.#history.length === 0) {
        this.emit({ type: "warning", message: "nothing to compact: the session has no history yet" });
        return;
      }
      await this.#hooks.compact(this, inner);
    });
  }

  async #turn(turnId: string, input: ResponseItem[], signal: AbortSignal, limits: TurnLimits): Promise<void> {
    let usage: Usage = { ...ZERO_USAGE };
    let lastAgentMessage: string | null = null;
    let requests = 0;
    const repeats = limits.repeatedCalls
      ? new RepeatDetector({ ...DEFAULT_REPEATED_CALL_THRESHOLDS, ...limits.repeatedCalls })
      : null;
    this.#stopReason = null;
    this.#truncations = 0;
    this.emit({ type: "turn_started", turnId });
    try {
      await this.#hooks.beforeTurn?.(this, signal);
      for (const item of this.#hooks.beforeUserMessage?.(this) ?? []) this.record(item);
      for (const item of input) this.record(item);
      while (true) {
        const stop = checkRequestLimits(
          limits,
          projectRequest({
            settings: this.#settings,
            requestsInTurn: requests,
            inputTokens: this.contextTokens(),
            ledger: this.#deps.ledger,
            prices: this.#deps.priceOf?.(this.#settings.model) ?? null,
          }),
        );
        if (stop) {
          this.#stopReason = stop;
          break;
        }
        requests++;
        const result = await this.#sample(signal, repeats, limits, (text) => {
          lastAgentMessage = text;
        });
        usage = addUsage(usage, result.usage);
        await this.#hooks.afterResponse?.(this, result.usage, result.toolCalls > 0, signal);
        if (this.#stopReason || result.toolCalls === 0) break;
      }
      this.emit(
        this.#stopReason
          ? { type: "turn_stopped", turnId, usage, reason: this.#stopReason, lastAgentMessage }
          : { type: "turn_completed", turnId, usage, lastAgentMessage },
      );
      this.#end(turnId, this.#stopReason ? "stopped" : "completed");
    } catch (err) {
      const stopped = this.#stopReason;
      if (stopped) {
        this.emit({ type: "turn_stopped", turnId, usage, reason: stopped, lastAgentMessage });
        this.#end(turnId, "stopped");
        return;
      }
      const storage = err instanceof StorageError ? err : this.#events.storageError;
      if (storage) {
        this.emit({
          type: "turn_failed",
          turnId,
          usage,
          error: { message: storage.message, kind: "storage" },
        });
        this.#end(turnId, "failed");
        return;
      }
      const aborted = signal.aborted;
      const kind = err instanceof ModelError ? err.kind : aborted ? "aborted" : "internal";
      const message = aborted ? "turn aborted by user" : (err as Error).message;
      this.emit({ type: "turn_failed", turnId, usage, error: { message, kind } });
      this.#end(turnId, aborted ? "aborted" : "failed");
    }
  }

  #end(turnId: string, status: "completed" | "failed" | "aborted" | "stopped"): void {
    try {
      this.#deps.rollout.append("turn_end", { status, turn_id: turnId });
      this.#deps.rollout.sync();
    } catch (err) {
      // A broken log was reported as the turn's failure; a new failure here has no one to tell.
      if (!(err instanceof StorageError)) throw err;
    }
  }

  /** One sampling request through the retry path; a context overflow compacts once and retries. */
  async #sample(
    signal: AbortSignal,
    repeats: RepeatDetector | null,
    limits: TurnLimits,
    onMessage: (text: string) => void,
  ): Promise<{ toolCalls: number; usage: Usage }> {
    let compactedForOverflow = false;
    // A failed attempt's completed items stay in history; what a retry sends again is dropped.
    const repeatFilter = () =>
      new RepeatFilter(this.#history.items, (message) => this.emit({ type: "warning", message }));
    let repeatsSent = repeatFilter();
    const recover = async (error: ModelError) => {
      if (error.kind === "incomplete" && error.code === "max_output_tokens" && limits.onTruncatedOutput) {
        return this.#onTruncated(limits.onTruncatedOutput, error);
      }
      const hook = this.#hooks.onContextWindowExceeded;
      if (error.kind !== "context_window_exceeded" || !hook || compactedForOverflow) return false;
      compactedForOverflow = true;
      await hook(this, signal);
      repeatsSent = repeatFilter(); // history was rewritten: judge repeats against the new one
      return true;
    };
    // Calls of a failed attempt ran and their outputs are in history: the retry's response sees
    // them, so only the final attempt's calls decide whether the turn goes on.
    return this.retrying(
      async () => {
        const round = await runResponseRound(
          {
            client: this.#deps.client,
            request: this.buildRequest(),
            record: (item) => this.record(item),
            persistToolOutput: (output) => this.#deps.rollout.append("tool_output", output),
            emit: (event) => this.emit(event),
            repeats: repeatsSent,
            onUsage: (usage, answered) => {
              this.recordUsage(usage, answered);
              this.#lengthAtLastUsage = this.#history.length;
            },
            onAgentMessage: onMessage,
            tools: {
              tools: this.#deps.tools,
              clock: this.#deps.clock,
              context: (callId, callSignal) =>
                toolContextFor({
                  callId,
                  signal: callSignal,
                  settings: this.#settings,
                  deps: this.#deps,
                  emit: (event) => this.emit(event),
                  onAbortAnswer: () =>
                    this.#stop({
                      kind: "approval_aborted",
                      message: "the user aborted the turn at an approval prompt",
                    }),
                }),
            },
          },
          signal,
        );
        for (const { call, outcome } of round.calls) {
          if (!repeats || !outcome || this.#stopReason) continue;
          const input = call.type === "custom_tool_call" ? call.input : call.arguments;
          this.#stopReason = repeats.record(call.name, input, outcome.result.output, outcome.result.success);
        }
        // A stop decided in this round (a loop) ends the turn: no retry of the failed stream.
        if (round.error && !this.#stopReason) throw round.error;
        return { toolCalls: round.calls.length + round.repeatedCalls, usage: round.usage };
      },
      signal,
      recover,
    );
  }

  /** A response cut off by its output cap: the caller stops the turn or retries more concisely. */
  #onTruncated(handler: NonNullable<TurnLimits["onTruncatedOutput"]>, error: ModelError): boolean {
    this.#truncations++;
    const action = handler({ timesInTurn: this.#truncations });
    if (action.kind !== "retry") {
      this.#stopReason = action;
      throw error; // no retry: the turn ends with the caller's reason
    }
    if (action.reasoningEffort && this.#settings.reasoning) {
      this.#settings = {
        ...this.#settings,
        reasoning: { ...this.#settings.reasoning, effort: action.reasoningEffort },
      };
    }
    if (action.note) this.record(userMessage(action.note));
    return true;
  }

  /** Stops the running turn with a reason (its tools see the abort). */
  #stop(reason: StopReason): void {
    this.#stopReason ??= reason;
    this.#events.abortTurn(new Error(reason.message));
  }
}
