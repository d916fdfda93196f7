import type { AgentEvent } from "../../agent/events.js";
import type { TurnScope } from "../../agent/turn-scope.js";
import { type MessageItem, messageText, type ResponseItem, userMessage } from "../../model/items.js";
import { COMPACT_USAGE_ROLE } from "../ledger.js";
import {
  estimateTokens,
  isRealUserMessage,
  livePlan,
  originalGoal,
  recentUserMessages,
} from "./history-facts.js";
import { GOAL_PREFIX, PLAN_PREFIX, SUMMARY_PREFIX, SUMMARY_PROMPT } from "./prompts.js";
import { truncateItemsToBudget } from "./truncation.js";

export const RECENT_USER_MESSAGES_MAX_TOKENS = 20_000;

export type CompactionOptions = {
  reason: "auto" | "manual" | "context_window_exceeded";
  /** The initial context for the current settings, re-injected at the front. */
  initialContext: () => ResponseItem[];
  /** Use `/responses/compact` when the client offers it. */
  preferRemote: boolean;
  /** Token budget the compacted history must fit (below the auto-compact limit). */
  targetTokens: number;
  signal: AbortSignal;
};

type Compacted = { items: ResponseItem[]; method: "remote" | "local" | "truncation" };

/**
 * Replaces the agent's history by a smaller one that keeps the user's goal, the live plan and the
 * recent user messages. Tries the provider's compaction endpoint or a model-written summary, and
 * falls back to plain truncation (no model call) when those fail or do not shrink the context.
 * Never loops: one attempt per method.
 */
export async function compactAgentHistory(agent: TurnScope, options: CompactionOptions): Promise<AgentEvent> {
  const before = agent.history.items;
  const tokensBefore = estimateTokens(before);
  let result: Compacted | null = null;
  try {
    result =
      options.preferRemote && agent.client.compact
        ? await remoteCompaction(agent, options)
        : await localCompaction(agent, options);
  } catch (err) {
    if (options.signal.aborted) throw err;
    agent.emit({
      type: "warning",
      message: `compaction by the model failed (${(err as Error).message}); truncating history instead`,
    });
  }
  if (result && estimateTokens(result.items) >= tokensBefore) {
    agent.emit({
      type: "warning",
      message: "the compacted history was not smaller than the original; truncating history instead",
    });
    result = null;
  }
  if (!result || estimateTokens(result.items) > options.targetTokens) {
    result = { items: truncatedHistory(before, options), method: "truncation" };
  }
  agent.replaceHistory(result.items, `${options.reason}:${result.method}`);
  return {
    type: "compacted",
    method: result.method,
    reason: options.reason,
    tokensBefore,
    tokensAfter: estimateTokens(result.items),
  };
}

/** Goal and plan notes that must survive whatever method compacts. */
function survivors(
  items: readonly ResponseItem[],
  kept: readonly ResponseItem[],
): { goal: MessageItem[]; plan: MessageItem[] } {
  const goal = originalGoal(items);
  const goalKept =
    goal && kept.some((item) => item.type === "message" && messageText(item) === messageText(goal));
  const plan = livePlan(items);
  return {
    goal: goal && !goalKept ? [userMessage(`${GOAL_PREFIX}\n${messageText(goal)}`)] : [],
    plan: plan ? [userMessage(`${PLAN_PREFIX}\n${plan}`)] : [],
  };
}

async function remoteCompaction(agent: TurnScope, options: CompactionOptions): Promise<Compacted> {
  const client = agent.client;
  const { output, usage, model, provider } = await agent.retrying(
    () => client.compact!(agent.buildRequest(), options.signal),
    options.signal,
  );
  if (usage) agent.recordUsage(usage, { model, provider, role: COMPACT_USAGE_ROLE });
  const kept = output.filter((item) => {
    if (item.type === "compaction") return true;
    if (item.type === "message" && item.role === "assistant") return true;
    return isRealUserMessage(item);
  });
  if (!kept.some((item) => item.type === "compaction"))
    throw new Error("the compaction endpoint returned no compaction item");
  const { goal, plan } = survivors(agent.history.items, kept);
  return { items: [...options.initialContext(), ...goal, ...kept, ...plan], method: "remote" };
}

async function localCompaction(agent: TurnScope, options: CompactionOptions): Promise<Compacted> {
  const items = agent.history.items;
  const summary = await requestSummary(agent, options.signal);
  const recent = recentUserMessages(items, RECENT_USER_MESSAGES_MAX_TOKENS);
  const { goal, plan } = survivors(items, recent);
  const note = userMessage(`${SUMMARY_PREFIX}\n\n${summary.trim() || "(no summary available)"}`);
  return { items: [...options.initialContext(), ...goal, ...recent, note, ...plan], method: "local" };
}

/**
 * Asks the model for the handoff note: the normal request (same instructions and tools, so the
 * cached prefix is reused) with the summary prompt appended, on the session's retry path. When
 * even that overflows, the oldest quarter of the items is dropped and the request sent again.
 */
async function requestSummary(agent: TurnScope, signal: AbortSignal): Promise<string> {
  const prompt = userMessage(SUMMARY_PROMPT);
  let drop = 0;
  const dropOldest = async (error: { kind: string }) => {
    const length = agent.history.length;
    if (error.kind !== "context_window_exceeded" || drop >= length) return false;
    drop += Math.max(1, Math.ceil((length - drop) / 4));
    return drop < length;
  };
  return agent.retrying(
    async () => {
      const base = agent.buildRequest();
      const input = [...base.input.slice(drop), prompt];
      const request = { ...base, input, inputJson: input.map((item) => JSON.stringify(item)) };
      let text = "";
      for await (const event of agent.client.stream(request, signal)) {
        if (event.type === "item_done" && event.item.type === "message" && event.item.role === "assistant") {
          text += messageText(event.item);
        }
        if (event.type === "completed") {
          const { usage, model, provider, usageEstimated } = event;
          agent.recordUsage(usage, { model, provider, role: COMPACT_USAGE_ROLE, estimated: usageEstimated });
        }
      }
      return text;
    },
    signal,
    dropOldest,
  );
}

/** Last resort, no model call: initial context, goal, plan and the most recent items that fit. */
function truncatedHistory(items: readonly ResponseItem[], options: CompactionOptions): ResponseItem[] {
  const initial = options.initialContext();
  const worstCase = survivors(items, []);
  const fixed = [...initial, ...worstCase.goal, ...worstCase.plan];
  const budget = Math.max(1_000, Math.floor(options.targetTokens * 0.6) - estimateTokens(fixed));
  const kept = truncateItemsToBudget(items, budget);
  const { goal, plan } = survivors(items, kept);
  return [...initial, ...goal, ...kept, ...plan];
}
