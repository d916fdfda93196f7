import type { SessionEvent } from "../agent/events.js";
import type { LedgerEntry } from "../context/ledger.js";
import type { ResponseItem } from "../model/items.js";

export type SessionMeta = {
  id: string;
  created_at: string;
  cwd: string;
  model: string;
  model_provider: string;
  /** The frozen `instructions` of every request of this session. */
  instructions: string;
  /** Tool names in request order, to detect a changed tool list on resume. */
  tools: string[];
  cli_version: string;
};

/** The settings a turn ran with; resume restores them so the next turn only appends a diff. */
export type TurnContext = {
  cwd: string;
  model: string;
  sandbox_mode: string;
  approval_policy: string;
  network_access: boolean;
  writable_roots: string[];
  current_date?: string;
};

export type RolloutLine =
  | { timestamp: string; type: "session_meta"; payload: SessionMeta }
  | { timestamp: string; type: "response_item"; payload: ResponseItem }
  /** A tool finished; its output joins history (in call order) when the response's calls drain. */
  | { timestamp: string; type: "tool_output"; payload: ResponseItem }
  | { timestamp: string; type: "turn_context"; payload: TurnContext }
  /** One request's usage: who answered, its role, and `estimated` when the server reported none. */
  | { timestamp: string; type: "usage"; payload: LedgerEntry }
  | { timestamp: string; type: "compacted"; payload: { replacement_history: ResponseItem[]; reason: string } }
  | {
      timestamp: string;
      type: "turn_end";
      payload: { status: "completed" | "failed" | "aborted" | "stopped"; turn_id?: string };
    }
  /** An event a face needs to replay the session (see REPLAYED_EVENT_TYPES). */
  | { timestamp: string; type: "event"; payload: SessionEvent };

export type RolloutLineType = RolloutLine["type"];

export type RolloutPayload<T extends RolloutLineType> = Extract<RolloutLine, { type: T }>["payload"];
