import fs from "node:fs";
import type { SessionEvent } from "../agent/events.js";
import type { LedgerEntry } from "../context/ledger.js";
import { isToolCall, type ResponseItem } from "../model/items.js";
import type { RolloutLine, SessionMeta, TurnContext } from "./rollout-types.js";

export type LoadedSession = {
  meta: SessionMeta;
  /** History as the next request will send it (compactions applied). */
  history: ResponseItem[];
  /** Outputs of tools that finished but were not yet drained into history when the process died. */
  pendingOutputs: Map<string, ResponseItem>;
  lastTurnContext: TurnContext | null;
  usage: LedgerEntry[];
  /** Lines that could not be parsed (e.g. the torn last line of a killed process). */
  skippedLines: number;
  /** Tool outputs whose call was lost (a damaged line): dropped, since the API refuses them. */
  droppedOrphanOutputs: number;
  /** The highest event seq persisted (0 when none). */
  lastSeq: number;
};

/** Reads a rollout file back into the state a resumed session starts from. */
export function loadRollout(filePath: string): LoadedSession {
  const text = readRolloutText(filePath);
  let meta: SessionMeta | null = null;
  let history: ResponseItem[] = [];
  const pendingOutputs = new Map<string, ResponseItem>();
  let lastTurnContext: TurnContext | null = null;
  const usage: LoadedSession["usage"] = [];
  let skippedLines = 0;
  let lastSeq = 0;
  for (const line of rolloutLines(text, () => skippedLines++)) {
    switch (line.type) {
      case "session_meta":
        meta ??= line.payload;
        break;
      case "response_item":
        history.push(line.payload);
        if ("call_id" in line.payload && line.payload.type.endsWith("_output")) {
          pendingOutputs.delete(line.payload.call_id);
        }
        break;
      case "tool_output":
        if ("call_id" in line.payload) pendingOutputs.set(line.payload.call_id, line.payload);
        break;
      case "turn_context":
        lastTurnContext = line.payload;
        break;
      case "usage":
        usage.push(line.payload);
        break;
      case "compacted":
        history = [...line.payload.replacement_history];
        break;
      case "event":
        lastSeq = Math.max(lastSeq, line.payload.seq ?? 0);
        break;
      default:
        break;
    }
  }
  if (!meta) {
    throw new Error(
      text.trim() === ""
        ? `${filePath} is empty: it holds no session (delete it, or resume another session)`
        : `${filePath} is not a nightshift session (no session_meta line)`,
    );
  }
  const { kept, dropped } = dropOrphanOutputs(history);
  return {
    meta,
    history: kept,
    pendingOutputs,
    lastTurnContext,
    usage,
    skippedLines,
    droppedOrphanOutputs: dropped,
    lastSeq,
  };
}

/** The persisted events of a rollout, in order, after `afterSeq` when given. */
export function readRolloutEvents(filePath: string, afterSeq = 0): SessionEvent[] {
  const events: SessionEvent[] = [];
  for (const line of rolloutLines(readRolloutText(filePath), () => {})) {
    if (line.type === "event" && line.payload.seq > afterSeq) events.push(line.payload);
  }
  return events;
}

function readRolloutText(filePath: string): string {
  try {
    return fs.readFileSync(filePath, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "";
    throw new Error(`cannot read session file ${filePath}: ${(err as Error).message.replace(/^\w+: /, "")}`, {
      cause: code ? err : undefined,
    });
  }
}

function* rolloutLines(text: string, onSkipped: () => void): Generator<RolloutLine> {
  for (const raw of text.split("\n")) {
    if (raw.trim() === "") continue;
    let line: RolloutLine;
    try {
      line = JSON.parse(raw) as RolloutLine;
    } catch {
      onSkipped();
      continue;
    }
    if (typeof line !== "object" || line === null || typeof line.type !== "string" || !("payload" in line)) {
      onSkipped();
      continue;
    }
    yield line;
  }
}

/** Outputs whose call is not in history: the Responses API refuses a request holding one. */
function dropOrphanOutputs(history: ResponseItem[]): { kept: ResponseItem[]; dropped: number } {
  const calls = new Set<string>();
  for (const item of history) if (isToolCall(item)) calls.add(item.call_id);
  const kept = history.filter(
    (item) =>
      !(
        (item.type === "function_call_output" || item.type === "custom_tool_call_output") &&
        !calls.has(item.call_id)
      ),
  );
  return { kept, dropped: history.length - kept.length };
}
