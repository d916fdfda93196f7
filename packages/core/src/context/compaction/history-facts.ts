import {
  estimatedBytes,
  type MessageItem,
  messageText,
  type ResponseItem,
  userMessage,
} from "../../model/items.js";
import { GOAL_PREFIX, PLAN_PREFIX, SUMMARY_PREFIX } from "./prompts.js";

/** Context the engine injects as user messages, and injects afresh after a compaction. */
const REINJECTED_PREFIXES = [
  "<environment_context>",
  "# AGENTS.md instructions",
  "<user_instructions>",
  PLAN_PREFIX,
  GOAL_PREFIX,
];
/** Fragments the engine injects as user messages; they are not the user's words. */
const INJECTED_PREFIXES = [...REINJECTED_PREFIXES, SUMMARY_PREFIX];

/** Developer messages and injected context that a compacted history gets anew, not carried over. */
export function isReinjectedContext(item: ResponseItem): boolean {
  if (item.type !== "message") return false;
  if (item.role === "developer" || item.role === "system") return true;
  if (item.role !== "user") return false;
  const text = messageText(item).trimStart();
  return REINJECTED_PREFIXES.some((prefix) => text.startsWith(prefix));
}

export function isRealUserMessage(item: ResponseItem): item is MessageItem {
  if (item.type !== "message" || item.role !== "user") return false;
  const text = messageText(item).trimStart();
  return !INJECTED_PREFIXES.some((prefix) => text.startsWith(prefix));
}

/**
 * The goal of the session: the goal note an earlier compaction kept (it holds the true first
 * message), else the user's first real message.
 */
export function originalGoal(items: readonly ResponseItem[]): MessageItem | null {
  return findGoalNote(items) ?? (items.find(isRealUserMessage) as MessageItem | undefined) ?? null;
}

function findGoalNote(items: readonly ResponseItem[]): MessageItem | null {
  for (const item of items) {
    if (item.type === "message" && item.role === "user" && messageText(item).startsWith(GOAL_PREFIX)) {
      return {
        type: "message",
        role: "user",
        content: [{ type: "input_text", text: messageText(item).slice(GOAL_PREFIX.length).trimStart() }],
      };
    }
  }
  return null;
}

/** The arguments of the last successful update_plan call, as text, or null. */
export function livePlan(items: readonly ResponseItem[]): string | null {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i]!;
    if (item.type === "function_call" && item.name === "update_plan") {
      try {
        const args = JSON.parse(item.arguments) as { plan?: { step: string; status: string }[] };
        if (!Array.isArray(args.plan)) continue;
        return args.plan.map((step) => `- [${step.status}] ${step.step}`).join("\n");
      } catch {
        continue;
      }
    }
    if (item.type === "message" && item.role === "user" && messageText(item).startsWith(PLAN_PREFIX)) {
      return messageText(item).slice(PLAN_PREFIX.length).trim();
    }
  }
  return null;
}

export function estimateTokens(items: readonly ResponseItem[]): number {
  let bytes = 0;
  for (const item of items) bytes += estimatedBytes(item, JSON.stringify(item));
  return Math.ceil(bytes / 4);
}

/** Recent real user messages, oldest first, newest kept first, within `maxTokens`. */
export function recentUserMessages(items: readonly ResponseItem[], maxTokens: number): MessageItem[] {
  const kept: MessageItem[] = [];
  let budget = maxTokens * 4;
  for (let i = items.length - 1; i >= 0 && budget > 0; i--) {
    const item = items[i]!;
    if (!isRealUserMessage(item)) continue;
    const text = messageText(item);
    if (text.length <= budget) {
      kept.push(item);
      budget -= text.length;
    } else {
      const half = Math.floor(budget / 2);
      kept.push(
        userMessage(
          `${text.slice(0, half)}\n…[${text.length - budget} characters cut]…\n${text.slice(text.length - half)}`,
        ),
      );
      budget = 0;
    }
  }
  return kept.reverse();
}
