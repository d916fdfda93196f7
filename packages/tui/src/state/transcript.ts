import type { AgentEvent, ApprovalDecision } from "@nightshift/core";
import { finishedBlocksLength } from "../render/markdown.js";
import type { Cell, CellBody, ToolCallView } from "./cells.js";

/** Lines of a running command's output kept for its live tail. */
export const LIVE_TAIL_LINES = 5;
/** Characters of one live output line kept (a minified file is one very long line). */
const LIVE_LINE_CHARS = 500;

/** What is still changing: drawn below the scrollback and redrawn as it changes. */
export type LiveView = {
  /** The agent message being streamed, past what was already committed. */
  message: string | null;
  /** The reasoning summary being streamed. */
  reasoning: string | null;
  tools: ToolCallView[];
};

/**
 * Turns the session's events into transcript cells, by event type and display kind (never by
 * tool name). Finished blocks of a streaming message are committed as soon as they are complete,
 * so the part redrawn stays small. The same reducer rebuilds a resumed session from its
 * replayed events.
 */
export class Transcript {
  readonly #cells: Cell[] = [];
  /** A copy of #cells handed out until the next cell (Ink's <Static> notices new arrays). */
  #cellsView: readonly Cell[] = [];
  #nextKey = 0;
  #message: { text: string; committed: number } | null = null;
  #reasoning: string | null = null;
  readonly #tools = new Map<string, ToolCallView>();
  readonly #approvals = new Map<string, string>();
  #live: LiveView = { message: null, reasoning: null, tools: [] };
  #liveDirty = true;

  /** Every committed cell, oldest first: a new array whenever one was added. */
  get cells(): readonly Cell[] {
    if (this.#cellsView.length !== this.#cells.length) this.#cellsView = [...this.#cells];
    return this.#cellsView;
  }

  get live(): LiveView {
    if (this.#liveDirty) {
      this.#liveDirty = false;
      const text = this.#message ? this.#message.text.slice(this.#message.committed) : null;
      this.#live = {
        message: text && text.trim() !== "" ? text : null,
        reasoning: this.#reasoning,
        tools: [...this.#tools.values()],
      };
    }
    return this.#live;
  }

  add(body: CellBody): void {
    this.#cells.push({ ...body, key: `c${this.#nextKey++}` } as Cell);
  }

  apply(event: AgentEvent): void {
    this.#liveDirty = true;
    switch (event.type) {
      case "agent_message_delta": {
        this.#reasoningDone();
        this.#message ??= { text: "", committed: 0 };
        const message = this.#message;
        message.text += event.delta.replace(/\r\n?/g, "\n");
        if (event.delta.includes("\n")) this.#commitFinishedBlocks(message);
        break;
      }
      case "agent_message": {
        this.#reasoning = null;
        const message = this.#message;
        const text = event.text.replace(/\r\n?/g, "\n");
        // The final text normally equals the deltas; when it does not, it wins for what is left.
        const rest =
          message && text.startsWith(message.text.slice(0, message.committed))
            ? text.slice(message.committed)
            : text;
        if (rest.trim() !== "") this.#addPart(rest, text.length - rest.length, text);
        this.#message = null;
        break;
      }
      case "reasoning_delta":
        this.#reasoning = (this.#reasoning ?? "") + event.delta;
        break;
      case "reasoning":
        this.#reasoning = null;
        if (event.text.trim() !== "") this.add({ type: "reasoning", text: event.text });
        break;
      case "tool_call_started":
        this.#reasoningDone();
        this.#tools.set(event.callId, {
          callId: event.callId,
          name: event.name,
          display: event.display,
          status: "running",
          tail: [],
          lines: 0,
        });
        break;
      case "tool_call_progress": {
        const call = this.#tools.get(event.callId);
        if (call) this.#tools.set(event.callId, withOutput(call, event.text));
        break;
      }
      case "tool_call_completed": {
        const started = this.#tools.get(event.callId);
        this.#tools.delete(event.callId);
        this.add({
          type: "tool",
          call: {
            callId: event.callId,
            name: event.name,
            display: event.display ?? started?.display,
            status: "done",
            success: event.success,
            output: event.output,
            tail: [],
            lines: started?.lines ?? 0,
          },
        });
        break;
      }
      case "approval_requested":
        this.#approvals.set(event.callId, event.request.summary);
        break;
      case "approval_answered":
        this.add({
          type: "approval",
          summary: this.#approvals.get(event.callId) ?? event.callId,
          decision: event.decision,
        });
        this.#approvals.delete(event.callId);
        break;
      case "warning":
        this.add({ type: "notice", level: "warning", text: event.message });
        break;
      case "model_fallback":
        this.add({
          type: "notice",
          level: "warning",
          text: `Continuing on ${event.to} instead of ${event.from}: ${event.reason}`,
        });
        break;
      case "compacted":
        this.add({
          type: "notice",
          level: "info",
          text: `Context compacted (${event.reason}): ~${event.tokensBefore.toLocaleString("en-US")} → ~${event.tokensAfter.toLocaleString("en-US")} tokens`,
        });
        break;
      case "turn_completed":
        this.#endTurn();
        break;
      case "turn_stopped":
        this.#endTurn();
        this.add({ type: "notice", level: "warning", text: `Stopped: ${event.reason.message}` });
        break;
      case "turn_failed":
        this.#endTurn();
        this.add(
          event.error.kind === "aborted"
            ? {
                type: "notice",
                level: "warning",
                text: "Interrupted. Tell the model what to do differently.",
              }
            : { type: "notice", level: "error", text: `Error: ${event.error.message}` },
        );
        break;
      default:
        break;
    }
  }

  /** Ends whatever is still live (a turn that ended without saying so, an interrupted stream). */
  settle(): void {
    this.#endTurn();
    this.#liveDirty = true;
  }

  #reasoningDone(): void {
    if (this.#reasoning !== null && this.#reasoning.trim() !== "")
      this.add({ type: "reasoning", text: this.#reasoning });
    this.#reasoning = null;
  }

  /** A part of a message starting at `offset` of its whole `text`. */
  #addPart(markdown: string, offset: number, text: string): void {
    const before = text.slice(0, offset);
    this.add({
      type: "agent",
      markdown,
      first: offset === 0,
      gap: offset > 0 && /\n[ \t]*\n\s*$/.test(before),
    });
  }

  #commitFinishedBlocks(message: { text: string; committed: number }): void {
    const pending = message.text.slice(message.committed);
    const finished = finishedBlocksLength(pending);
    if (finished === 0) return;
    const chunk = pending.slice(0, finished);
    if (chunk.trim() !== "") this.#addPart(chunk, message.committed, message.text);
    message.committed += finished;
  }

  #endTurn(): void {
    this.#reasoningDone();
    const message = this.#message;
    if (message) {
      const rest = message.text.slice(message.committed);
      if (rest.trim() !== "") this.#addPart(rest, message.committed, message.text);
      this.#message = null;
    }
    for (const call of this.#tools.values()) {
      this.add({
        type: "tool",
        call: { ...call, status: "done", success: false, output: call.output ?? "interrupted" },
      });
    }
    this.#tools.clear();
    this.#approvals.clear();
  }
}

function withOutput(call: ToolCallView, text: string): ToolCallView {
  const tail = [...call.tail];
  let lines = call.lines;
  const parts = text.replace(/\r\n/g, "\n").split("\n");
  parts.forEach((part, index) => {
    // The first part continues the last line (output arrives in chunks, not lines).
    if (index === 0 && call.partial) {
      tail[tail.length - 1] = (tail[tail.length - 1]! + part).slice(-LIVE_LINE_CHARS);
      return;
    }
    if (index === parts.length - 1 && part === "") return;
    tail.push(part.slice(-LIVE_LINE_CHARS));
    lines++;
  });
  return { ...call, tail: tail.slice(-LIVE_TAIL_LINES), lines, partial: !text.endsWith("\n") };
}

/** The decision as the transcript words it. */
export function decisionText(decision: ApprovalDecision): string {
  switch (decision) {
    case "approved":
      return "approved";
    case "approved_for_session":
      return "approved for this session";
    case "denied":
      return "denied";
    case "abort":
      return "denied, turn aborted";
  }
}
