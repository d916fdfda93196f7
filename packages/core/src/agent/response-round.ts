import type { ModelClient, ModelRequest } from "../model/client.js";
import { ModelError } from "../model/errors.js";
import {
  isToolCall,
  messageText,
  type ResponseItem,
  type ToolCallItem,
  type Usage,
  ZERO_USAGE,
} from "../model/items.js";
import { StorageError } from "../session/storage-error.js";
import type { AgentEvent } from "./events.js";
import type { RepeatFilter } from "./repeat-filter.js";
import { ReadWriteLock } from "./rw-lock.js";
import { outputItemFor, runToolCall, type ToolCallEnv, type ToolOutcome } from "./tool-calls.js";
import { WebSearchEvents } from "./web-search-events.js";

export type RoundEnv = {
  client: ModelClient;
  request: ModelRequest;
  /** Appends an item to history, persisting it first. */
  record(item: ResponseItem): void;
  /** Persists a finished tool's output at once (it joins history when the round drains). */
  persistToolOutput(output: ResponseItem): void;
  emit(event: AgentEvent): void;
  /** A response completed: its usage, who answered, whether the usage is an estimate. */
  onUsage(usage: Usage, answered: { estimated: boolean; model?: string; provider?: string }): void;
  /** Drops what a stream or a retried attempt sends again (see RepeatFilter). */
  repeats: RepeatFilter;
  onAgentMessage(text: string): void;
  tools: Omit<ToolCallEnv, "lock" | "emit">;
};

export type RoundResult = {
  /** Every call of the response, in call order, with its outcome (an interrupted one: "aborted"). */
  calls: { call: ToolCallItem; outcome: ToolOutcome | null }[];
  /** Calls sent again that already ran: not run twice, but the model still owes an answer to them. */
  repeatedCalls: number;
  usage: Usage;
  /** Set when the stream failed; everything that finished before is recorded. */
  error?: ModelError;
};

/**
 * One model request: streams the response, records each finished item, dispatches each tool call
 * as soon as it is complete (read-only ones in parallel, the others one at a time), and appends
 * every call's output in call order, whatever happened to the stream.
 */
export async function runResponseRound(env: RoundEnv, signal: AbortSignal): Promise<RoundResult> {
  const inFlight: Promise<ToolOutcome>[] = [];
  const calls: ToolCallItem[] = [];
  const toolEnv: ToolCallEnv = { ...env.tools, lock: new ReadWriteLock(), emit: env.emit };
  let usage: Usage = { ...ZERO_USAGE };
  let error: ModelError | undefined;
  let repeatedCalls = 0;
  let storage: StorageError | undefined;
  const searches = new WebSearchEvents(env.emit);
  try {
    for await (const event of env.client.stream(env.request, signal)) {
      switch (event.type) {
        case "created":
          searches.created(event.responseId);
          break;
        case "item_started":
          if (event.itemType === "web_search_call") searches.started(event.itemId);
          break;
        case "text_delta":
          env.emit({ type: "agent_message_delta", itemId: event.itemId, delta: event.delta });
          break;
        case "reasoning_delta":
          env.emit({ type: "reasoning_delta", itemId: event.itemId, delta: event.delta });
          break;
        case "item_done":
          if (!env.repeats.admit(event.item)) {
            if (isToolCall(event.item)) repeatedCalls++;
            if (event.item.type === "web_search_call") searches.repeated(event.item);
            break;
          }
          env.record(event.item);
          announce(event.item, env);
          if (event.item.type === "web_search_call") searches.done(event.item);
          if (isToolCall(event.item)) {
            const call = event.item;
            calls.push(call);
            inFlight.push(
              runToolCall(call, toolEnv, signal).then((outcome) => {
                env.persistToolOutput(outcome.output);
                return outcome;
              }),
            );
          }
          break;
        case "completed":
          usage = event.usage;
          env.onUsage(usage, {
            estimated: event.usageEstimated === true,
            model: event.model,
            provider: event.provider,
          });
          break;
        default:
          break;
      }
    }
  } catch (err) {
    if (err instanceof StorageError) storage = err;
    else
      error =
        err instanceof ModelError ? err : new ModelError("transport", (err as Error).message, { cause: err });
  }
  searches.close();
  const settled = await Promise.allSettled(inFlight);
  const results = calls.map((call, index) => {
    const outcome = settled[index]!;
    const value = outcome.status === "fulfilled" ? outcome.value : null;
    if (!storage) {
      try {
        env.record(value ? value.output : outputItemFor(call, "aborted"));
      } catch (err) {
        if (!(err instanceof StorageError)) throw err;
        storage = err;
      }
    }
    return { call, outcome: value };
  });
  // Nothing more can be recorded, so nothing more may be acted on: the turn ends here.
  if (storage) throw storage;
  return { calls: results, repeatedCalls, usage, error };
}

function announce(item: ResponseItem, env: RoundEnv): void {
  if (item.type === "message" && item.role === "assistant") {
    const text = messageText(item);
    env.onAgentMessage(text);
    env.emit({ type: "agent_message", text, phase: item.phase });
  } else if (item.type === "reasoning") {
    const text = [...item.summary, ...(item.content ?? [])].map((part) => part.text).join("\n\n");
    if (text) env.emit({ type: "reasoning", text });
  }
}
