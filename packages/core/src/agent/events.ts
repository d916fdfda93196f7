import type { ModelErrorKind } from "../model/errors.js";
import type { Usage } from "../model/items.js";

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
    }
  | { type: "tool_call_progress"; callId: string; text: string }
  | {
      type: "tool_call_completed";
      callId: string;
      name: string;
      input: unknown;
      success: boolean;
      output: string;
      display?: Record<string, unknown>;
    }
  | { type: "retry"; attempt: number; maxAttempts: number; delayMs: number; message: string }
  | { type: "token_count"; last: Usage; total: Usage; contextWindow?: number; costUsd?: number | null }
  | { type: "warning"; message: string }
  | {
      type: "compacted";
      method: "remote" | "local" | "truncation";
      reason: "auto" | "manual" | "context_window_exceeded";
      tokensBefore: number;
      tokensAfter: number;
    }
  | { type: "turn_completed"; turnId: string; usage: Usage; lastAgentMessage: string | null }
  | {
      type: "turn_failed";
      turnId: string;
      usage: Usage;
      error: { message: string; kind: ModelErrorKind | "internal" };
    };
