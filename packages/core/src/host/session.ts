import path from "node:path";
import type { Agent, CommandOptions, TurnSettings } from "../agent/agent.js";
import type { AgentEvent, SessionEvent } from "../agent/events.js";
import type { TurnLimits } from "../agent/turn-limits.js";
import { type UsageBreakdownRow, usageByModelLines, usageSummaryLine } from "../context/ledger.js";
import { loadImage } from "../images/load-image.js";
import { type ModelInfo, modelOutputBudgetBytes } from "../model/catalog.js";
import type { ReasoningEffort } from "../model/client.js";
import { type ContentPart, type ResponseItem, type Usage, userMessage } from "../model/items.js";
import type { ApprovalPolicy, SandboxMode } from "../sandbox/policy.js";
import type { SessionRef, SessionStore } from "../session/store.js";
import type { CommandResult } from "../tools/tool.js";
import type { SessionChanges } from "../workspace/session-changes.js";
import type { RuntimeConfig } from "./config/resolve.js";
import { SetupError } from "./errors.js";
import type { FallbackRecord } from "./model-gateway.js";
import { notifyTurnComplete } from "./notify.js";

/** The session's models as the host set them up (see model-gateway.ts). */
export type SessionModelsView = {
  /** What config says about a model on a provider (default: the session's provider). */
  describe(model: string, providerId?: string): ModelInfo;
  /** "<provider>:<model>" of each fallback, in order. */
  fallbackLabels: readonly string[];
  /** The fallbacks that happened in this process, in order. */
  fallbacks: readonly FallbackRecord[];
};

const TURN_ENDS = new Set<string>(["turn_completed", "turn_stopped", "turn_failed"]);

/** What a face may change between turns; the next turn tells the model what changed. */
export type SettingsChange = {
  model?: string;
  reasoningEffort?: ReasoningEffort;
  cwd?: string;
  sandbox?: SandboxMode;
  approvalPolicy?: ApprovalPolicy;
  /** `max_output_tokens` of each request (null: no cap). */
  maxOutputTokens?: number | null;
};

/** One configured MCP server as a face shows it (`/mcp`). */
export type McpServerState = {
  name: string;
  status: "starting" | "ready" | "failed" | "closed";
  /** Why it failed, when it did. */
  error?: string;
  /** The server's own tool names. */
  tools: string[];
};

export type SessionUsage = {
  total: Usage;
  /** Dollars so far, null when a price is unknown. */
  costUsd: number | null;
  requests: number;
  cacheHitRate: number;
  contextTokens: number;
  contextWindow: number;
  /** Tokens and dollars per model (and provider) and role, in the order each first answered. */
  breakdown: UsageBreakdownRow[];
};

/**
 * A live session, as every face uses it: run turns (as enveloped events), change settings between
 * turns, replay what was persisted, read usage, close. Built by `createSession` / `resumeSession`.
 */
export class Session {
  readonly id: string;
  readonly rolloutPath: string;
  readonly resumed: boolean;
  /** Problems found while opening the session, for the face to show once. */
  readonly warnings: string[];
  readonly #agent: Agent;
  readonly #store: SessionStore;
  readonly #ref: SessionRef;
  readonly #runtime: RuntimeConfig;
  #model: ModelInfo;
  readonly #models: SessionModelsView;
  readonly #close: () => Promise<void>;
  readonly #env: NodeJS.ProcessEnv;
  readonly #mcpServers: () => McpServerState[];
  readonly #changes: SessionChanges | null;
  #closed = false;
  /** A turn was asked for and has not ended (set at once, before the workspace snapshot). */
  #turning = false;

  constructor(args: {
    agent: Agent;
    store: SessionStore;
    ref: SessionRef | Omit<SessionRef, "createdAt" | "updatedAt">;
    resumed: boolean;
    warnings: string[];
    runtime: RuntimeConfig;
    model: ModelInfo;
    models?: SessionModelsView;
    close: () => Promise<void>;
    env: NodeJS.ProcessEnv;
    mcpServers?: () => McpServerState[];
    /** Records what the session changes in its workspace, for `nightshift apply`. */
    changes?: SessionChanges;
  }) {
    this.#env = args.env;
    this.#agent = args.agent;
    this.#store = args.store;
    this.#ref = { createdAt: "", updatedAt: "", ...args.ref };
    this.id = args.agent.sessionId;
    this.rolloutPath = args.ref.path;
    this.resumed = args.resumed;
    this.warnings = args.warnings;
    this.#runtime = args.runtime;
    this.#model = args.model;
    this.#models = args.models ?? { describe: () => args.model, fallbackLabels: [], fallbacks: [] };
    this.#close = args.close;
    this.#mcpServers = args.mcpServers ?? (() => []);
    this.#changes = args.changes ?? null;
  }

  get settings(): Readonly<TurnSettings> {
    return this.#agent.settings;
  }

  /** The provider the session talks to. */
  get providerId(): string {
    return this.#runtime.provider.id;
  }

  /** The models a turn continues on when the model fails beyond retries ("<provider>:<model>"). */
  get fallbackModels(): readonly string[] {
    return this.#models.fallbackLabels;
  }

  /** Whether the model takes images (the catalogue's capability, or `model_supports_images`). */
  get acceptsImages(): boolean {
    return this.#model.imageInput;
  }

  /**
   * The user's message with image files attached (PNG, JPEG, GIF or WebP, scaled down above the
   * provider's limits), ready for `runTurn`. Relative paths are taken from the session's folder.
   * A SetupError says what is wrong (a model that takes no images, a file that is not an image,
   * too large or unreadable) before anything is sent.
   */
  async userInput(text: string, images: readonly string[] = []): Promise<ResponseItem[]> {
    if (images.length === 0) return [userMessage(text)];
    const refusal = this.#imageRefusal();
    if (refusal) throw new SetupError(refusal);
    const parts: ContentPart[] = [];
    for (const image of images) {
      const loaded = await loadImage(path.resolve(this.settings.cwd, image));
      if ("error" in loaded) throw new SetupError(`cannot attach an image: ${loaded.error}`);
      parts.push(loaded.part);
    }
    if (text !== "") parts.push({ type: "input_text", text });
    return [{ type: "message", role: "user", content: parts }];
  }

  #imageRefusal(): string | null {
    if (this.#model.imageInput) return null;
    return `model ${this.settings.model} does not take images (so says nightshift's model catalogue): pick a model that does, or set model_supports_images = true in config.toml if this one can`;
  }

  /** `show_raw_agent_reasoning` from config, when set. */
  get showRawReasoning(): boolean | undefined {
    return this.#runtime.settings.show_raw_agent_reasoning;
  }

  get busy(): boolean {
    return this.#turning || this.#agent.busy;
  }

  /** Interactive processes still open (a dev server the model polls): the session is not idle. */
  get liveProcesses(): number {
    return this.#agent.liveProcesses;
  }

  /** The first event a face shows: which session, model and folder. */
  configuredEvent(): AgentEvent {
    return {
      type: "session_configured",
      sessionId: this.id,
      model: this.settings.model,
      rolloutPath: this.rolloutPath,
      resumed: this.resumed,
      cwd: this.settings.cwd,
    };
  }

  /**
   * Runs one turn on `input` (text or items) until the model is done, the signal aborts, or a
   * limit stops it. Events carry seq, ts and turnId; the replayable ones are persisted.
   */
  async *runTurn(
    input: string | ResponseItem[],
    options: { signal: AbortSignal; limits?: TurnLimits },
  ): AsyncGenerator<SessionEvent> {
    // An image the model cannot take fails here, before any request.
    const refusal = typeof input === "string" || !input.some(hasImage) ? null : this.#imageRefusal();
    if (refusal) throw new SetupError(refusal);
    // A turn that can change nothing (read-only, never asking to escalate) needs no snapshots.
    const { policy, approvalPolicy } = this.settings;
    const changes = policy.mode === "read-only" && approvalPolicy === "never" ? null : this.#changes;
    if (this.#turning) throw new Error("a turn is already running in this session");
    this.#turning = true;
    // Recording is best effort: without git the turn runs and `nightshift apply` says so.
    await changes?.beforeTurn().catch(() => {});
    let recorded = changes === null;
    try {
      for await (const event of this.#runTurn(input, options)) {
        // The workspace is recorded before the turn's end is told: once a face sees it, the turn is over.
        if (!recorded && TURN_ENDS.has(event.type)) {
          recorded = true;
          await changes?.afterTurn().catch(() => {});
        }
        yield event;
      }
    } finally {
      if (!recorded) await changes?.afterTurn().catch(() => {});
      this.#turning = false;
    }
  }

  async *#runTurn(
    input: string | ResponseItem[],
    options: { signal: AbortSignal; limits?: TurnLimits },
  ): AsyncGenerator<SessionEvent> {
    for await (const event of this.#agent.runTurn(input, options.signal, options.limits)) {
      yield event;
      if (event.type === "turn_completed") {
        const inputMessages = typeof input === "string" ? [input] : input.flatMap((item) => textOf(item));
        notifyTurnComplete(
          this.#runtime.toml.notify,
          event,
          { sessionId: this.id, cwd: this.settings.cwd, inputMessages },
          this.#env,
        );
      }
    }
  }

  /**
   * Runs a command the way the model's shell tool would (this session's sandbox, folder and
   * environment), between turns, without approvals and without entering history: a face's own
   * checks, such as a run's verification commands.
   */
  runCommand(argv: string[], options: CommandOptions): Promise<CommandResult> {
    return this.#agent.runCommand(argv, options);
  }

  /** Compacts the history now. */
  compact(signal: AbortSignal): AsyncGenerator<SessionEvent> {
    return this.#agent.compact(signal);
  }

  /** Changes settings between turns (never while one runs). */
  updateSettings(change: SettingsChange): void {
    const patch: Partial<TurnSettings> = {};
    const current = this.settings;
    if (change.model !== undefined && change.model !== current.model) {
      const info = this.#models.describe(change.model);
      this.#model = info;
      Object.assign(patch, {
        model: change.model,
        parallelToolCalls: info.parallelToolCalls,
        contextWindow: info.contextWindow,
        modelMaxOutputTokens: info.maxOutputTokens,
        outputBudgetBytes: modelOutputBudgetBytes(info, this.#runtime.settings.tool_output_token_limit),
        reasoning: info.reasoning
          ? { effort: info.defaultReasoningEffort, summary: current.reasoning?.summary ?? "auto" }
          : undefined,
      });
    }
    if (change.reasoningEffort !== undefined) {
      const reasoning = patch.reasoning ?? current.reasoning;
      if (!reasoning)
        throw new Error(`model ${patch.model ?? current.model} does not take a reasoning effort`);
      patch.reasoning = { ...reasoning, effort: change.reasoningEffort };
    }
    if (change.cwd !== undefined) patch.cwd = change.cwd;
    if (change.sandbox !== undefined) patch.policy = { ...current.policy, mode: change.sandbox };
    if (change.approvalPolicy !== undefined) patch.approvalPolicy = change.approvalPolicy;
    if (change.maxOutputTokens !== undefined) patch.maxOutputTokens = change.maxOutputTokens ?? undefined;
    this.#agent.updateSettings(patch);
  }

  /** The persisted events of this session (all of them, or those after `afterSeq`). */
  replay(afterSeq?: number): SessionEvent[] {
    return this.#store.readEvents(this.#ref, afterSeq);
  }

  usage(): SessionUsage {
    const ledger = this.#agent.ledger;
    return {
      total: ledger.total,
      costUsd: ledger.costUsd,
      requests: ledger.requests,
      cacheHitRate: ledger.cacheHitRate,
      contextTokens: this.#agent.contextTokens(),
      contextWindow: this.settings.contextWindow,
      breakdown: ledger.breakdown(),
    };
  }

  /** The configured MCP servers: their state and tools. */
  mcpServers(): McpServerState[] {
    return this.#mcpServers();
  }

  /**
   * One line of tokens, cache hits, cost and context left; then, when more than one model
   * answered (a fallback, a compaction model), one line per model, and each fallback.
   */
  summary(): string {
    const ledger = this.#agent.ledger;
    const seen = new Set<string>();
    const fallbacks = this.#models.fallbacks.flatMap((f) => {
      const line = `  fell back from ${f.from} to ${f.to}: ${f.reason}`;
      if (seen.has(line)) return [];
      seen.add(line);
      return [line];
    });
    return [
      usageSummaryLine(ledger, this.settings.contextWindow, this.#agent.contextTokens()),
      ...usageByModelLines(ledger),
      ...fallbacks,
    ].join("\n");
  }

  /** Stops the session's processes and MCP servers and releases its log. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#close();
  }
}

function hasImage(item: ResponseItem): boolean {
  return item.type === "message" && item.content.some((part) => part.type === "input_image");
}

function textOf(item: ResponseItem): string[] {
  if (item.type !== "message" || item.role !== "user") return [];
  return item.content.flatMap((part) => (part.type === "input_text" ? [part.text] : []));
}
