import type { ToolSpec } from "../tools/tool.js";
import type { ResponseItem, Usage } from "./items.js";

export type ReasoningEffort = "none" | "minimal" | "low" | "medium" | "high" | "xhigh";
export type ReasoningSummary = "auto" | "concise" | "detailed" | "none";

/** One sampling request, independent of the wire format. */
export type ModelRequest = {
  model: string;
  instructions: string;
  /** The whole history. Serialised items are cached by the caller (see SerializedHistory). */
  input: readonly ResponseItem[];
  /** JSON text of each input item, same length and order as `input`. */
  inputJson: readonly string[];
  tools: readonly ToolSpec[];
  /** JSON text of `tools`, frozen per session. */
  toolsJson: string;
  parallelToolCalls: boolean;
  reasoning?: { effort?: ReasoningEffort; summary?: ReasoningSummary };
  verbosity?: "low" | "medium" | "high";
  /** Strict JSON-schema output (`--output-schema`). */
  outputSchema?: Record<string, unknown>;
  /** `max_output_tokens`: the most the response may produce (absent: the model's own limit). */
  maxOutputTokens?: number;
  promptCacheKey: string;
  sessionId: string;
};

/** Events of one streamed response, normalised across wire formats. */
export type ModelStreamEvent =
  | { type: "created"; responseId: string }
  | { type: "item_started"; itemType: string; itemId: string }
  | { type: "text_delta"; itemId: string; delta: string }
  | { type: "reasoning_delta"; itemId: string; delta: string }
  | { type: "item_done"; item: ResponseItem }
  /**
   * `usageEstimated`: the server reported no usage, so `usage` is an estimate (bytes / 4).
   * `model` and `provider`: who answered, when a gateway chose (else the request's model).
   */
  | {
      type: "completed";
      responseId: string;
      usage: Usage;
      usageEstimated?: true;
      model?: string;
      provider?: string;
    };

/** What remote compaction returns; `model`/`provider` as on a `completed` event. */
export type CompactResult = { output: ResponseItem[]; usage?: Usage; model?: string; provider?: string };

export interface ModelClient {
  /** Streams one response. Throws ModelError; the caller decides about retries. */
  stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelStreamEvent>;
  /** Remote compaction (`POST /responses/compact`), when the provider offers it. */
  compact?(request: ModelRequest, signal: AbortSignal): Promise<CompactResult>;
}
