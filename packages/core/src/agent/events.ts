import type { ModelErrorKind } from "../model/errors.js";
import type { Usage } from "../model/items.js";
import type { ApprovalDecision, ApprovalRequest, ToolDisplay } from "../tools/tool.js";
import type { StopReason } from "./turn-limits.js";

/** Everything the engine tells a face (exec printer, TUI, MCP server, task API). */
export type AgentEvent =
  | {
      type: "session_configured";
      sessionId: string;
      model: string;
      rolloutPath: string;
      resumed: boolean;
      cwd: string;
    }
  | { type: "turn_started"; turnId: string }
  | { type: "agent_message_delta"; itemId: string; delta: string }
  | { type: "agent_message"; text: string; phase?: string }
  | { type: "reasoning_delta"; itemId: string; delta: string }
  | { type: "reasoning"; text: string }
  | {
      type: "tool_call_started";
      callId: string;
      name: string;
      /** Parsed arguments (function tools) or raw input (custom tools). */
      input: unknown;
      /** What a face shows while the call runs, by kind. */
      display?: ToolDisplay;
    }
  | { type: "tool_call_progress"; callId: string; text: string }
  | {
      type: "tool_call_completed";
      callId: string;
      name: string;
      input: unknown;
      success: boolean;
      output: string;
      /** What a face shows, by kind (never by tool name). */
      display?: ToolDisplay;
    }
  | { type: "approval_requested"; callId: string; request: ApprovalRequest }
  | { type: "approval_answered"; callId: string; decision: ApprovalDecision }
  | { type: "retry"; attempt: number; maxAttempts: number; delayMs: number; message: string }
  | { type: "token_count"; last: Usage; total: Usage; contextWindow?: number; costUsd?: number | null }
  | { type: "warning"; message: string }
  /**
   * The turn continues on another model: `from` failed in a way retries could not fix (or its
   * provider's circuit is open: `errorKind` "circuit_open"). Models are "<provider>:<model>".
   */
  | {
      type: "model_fallback";
      from: string;
      to: string;
      reason: string;
      errorKind: ModelErrorKind | "circuit_open";
    }
  | {
      type: "compacted";
      method: "remote" | "local" | "truncation";
      reason: "auto" | "manual" | "context_window_exceeded";
      tokensBefore: number;
      tokensAfter: number;
    }
  | { type: "turn_completed"; turnId: string; usage: Usage; lastAgentMessage: string | null }
  /** The turn ended on a stop condition the caller set (a budget, a limit) or an approval answered "abort". */
  | {
      type: "turn_stopped";
      turnId: string;
      usage: Usage;
      reason: StopReason;
      lastAgentMessage: string | null;
    }
  | {
      type: "turn_failed";
      turnId: string;
      usage: Usage;
      error: { message: string; kind: ModelErrorKind | "internal" | "storage" };
    };

/** What every event of a session carries: its order, its time and the turn it belongs to. */
export type EventEnvelope = {
  /** Increases by one per event of the session, across resumes. */
  seq: number;
  /** ISO-8601 time of the event (from the session's clock). */
  ts: string;
  /** The turn the event belongs to; null outside a turn. */
  turnId: string | null;
};

export type SessionEvent = AgentEvent & EventEnvelope;

/**
 * Events persisted in the rollout, so a resumed face or a reconnecting client can show what
 * happened: messages, tool calls with their displays, approvals, and how turns ended. Deltas,
 * progress and retries are live only.
 */
export const REPLAYED_EVENT_TYPES: ReadonlySet<AgentEvent["type"]> = new Set([
  "turn_started",
  "agent_message",
  "reasoning",
  "tool_call_started",
  "tool_call_completed",
  "approval_requested",
  "approval_answered",
  "warning",
  "model_fallback",
  "compacted",
  "turn_completed",
  "turn_stopped",
  "turn_failed",
]);
