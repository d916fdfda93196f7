import type { AgentEvent, ToolDisplay } from "@nightshift/core";

type Item = Record<string, unknown> & { id: string; type: string };
type Write = (line: string) => void;

/**
 * Prints the engine's events as the JSONL stream of `codex exec --json`: thread.*, turn.*,
 * item.started|updated|completed with agent_message, reasoning, command_execution,
 * file_change, mcp_tool_call, web_search, todo_list and error items.
 */
export class JsonEventPrinter {
  #nextId = 0;
  #calls = new Map<string, Item>();
  #todo: Item | null = null;
  readonly #write: Write;

  constructor(write: Write) {
    this.#write = write;
  }

  #emit(event: Record<string, unknown>): void {
    this.#write(`${JSON.stringify(event)}\n`);
  }

  #id(): string {
    return `item_${this.#nextId++}`;
  }

  handle(event: AgentEvent): void {
    switch (event.type) {
      case "session_configured":
        this.#emit({ type: "thread.started", thread_id: event.sessionId });
        break;
      case "turn_started":
        this.#emit({ type: "turn.started" });
        break;
      case "agent_message":
        this.#emit({
          type: "item.completed",
          item: { id: this.#id(), type: "agent_message", text: event.text },
        });
        break;
      case "reasoning":
        this.#emit({ type: "item.completed", item: { id: this.#id(), type: "reasoning", text: event.text } });
        break;
      case "tool_call_started":
        this.#toolStarted(event);
        break;
      case "tool_call_completed":
        this.#toolCompleted(event);
        break;
      case "retry":
        // Not an "error": Codex's readers treat that as fatal, and a retry is not.
        this.#emit({
          type: "retry",
          attempt: event.attempt,
          max_attempts: event.maxAttempts,
          delay_ms: event.delayMs,
          message: `Reconnecting... ${event.attempt}/${event.maxAttempts} (${event.message})`,
        });
        break;
      case "compacted":
        this.#emit({
          type: "item.completed",
          item: {
            id: this.#id(),
            type: "context_compaction",
            method: event.method,
            reason: event.reason,
            tokens_before: event.tokensBefore,
            tokens_after: event.tokensAfter,
          },
        });
        break;
      case "model_fallback":
        // Not an "error" either: the turn goes on, on another model.
        this.#emit({
          type: "model_fallback",
          from: event.from,
          to: event.to,
          reason: event.reason,
          error_kind: event.errorKind,
        });
        break;
      case "warning":
        this.#emit({
          type: "item.completed",
          item: { id: this.#id(), type: "error", message: event.message },
        });
        break;
      case "turn_completed":
        this.#finishTodo();
        this.#emit({ type: "turn.completed", usage: usageJson(event.usage) });
        break;
      case "turn_failed":
        this.#fail(event.error.message);
        break;
      case "turn_stopped":
        this.#fail(event.reason.message);
        break;
      default:
        break;
    }
  }

  #toolStarted(event: Extract<AgentEvent, { type: "tool_call_started" }>): void {
    if (event.display?.kind === "plan") return;
    const item = startedItem(this.#id(), event);
    this.#calls.set(event.callId, item);
    this.#emit({ type: "item.started", item });
  }

  #toolCompleted(event: Extract<AgentEvent, { type: "tool_call_completed" }>): void {
    const display = event.display;
    if (display?.kind === "plan") {
      const items = display.steps.map((step) => ({
        text: step.step,
        completed: step.status === "completed",
      }));
      if (this.#todo) {
        this.#todo = { ...this.#todo, items };
        this.#emit({ type: "item.updated", item: this.#todo });
      } else {
        this.#todo = { id: this.#id(), type: "todo_list", items };
        this.#emit({ type: "item.started", item: this.#todo });
      }
      return;
    }
    const started =
      this.#calls.get(event.callId) ?? startedItem(this.#id(), { ...event, display: undefined });
    this.#calls.delete(event.callId);
    this.#emit({ type: "item.completed", item: completedItem(started, event) });
  }

  /** A fatal error, as Codex reports it: an `error` event, then `turn.failed`. */
  #fail(message: string): void {
    this.#finishTodo();
    this.#emit({ type: "error", message });
    this.#emit({ type: "turn.failed", error: { message } });
  }

  #finishTodo(): void {
    if (!this.#todo) return;
    this.#emit({ type: "item.completed", item: this.#todo });
    this.#todo = null;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length > 0
  );
}

function usageJson(usage: Extract<AgentEvent, { type: "turn_completed" }>["usage"]) {
  return {
    input_tokens: usage.input_tokens,
    cached_input_tokens: usage.cached_input_tokens,
    output_tokens: usage.output_tokens,
    reasoning_output_tokens: usage.reasoning_output_tokens,
  };
}

/** The Codex item a call starts as, chosen by what the tool said it is (its display's kind). */
function startedItem(id: string, event: { name: string; input: unknown; display?: ToolDisplay }): Item {
  const display = event.display;
  switch (display?.kind) {
    case "patch":
      return { id, type: "file_change", changes: [], status: "in_progress" };
    case "command":
      return {
        id,
        type: "command_execution",
        command: display.command,
        aggregated_output: "",
        exit_code: null,
        status: "in_progress",
      };
    case "web_search":
      return { id, type: "web_search", query: display.query };
    case "mcp":
      return {
        id,
        type: "mcp_tool_call",
        server: display.server,
        tool: display.tool,
        arguments: display.arguments,
        result: null,
        error: null,
        status: "in_progress",
      };
    default:
      return {
        id,
        type: "tool_call",
        tool: event.name,
        arguments: event.input,
        output: null,
        status: "in_progress",
      };
  }
}

function completedItem(started: Item, event: Extract<AgentEvent, { type: "tool_call_completed" }>): Item {
  const display = event.display;
  const fallback = event.success ? "completed" : "failed";
  switch (started.type) {
    case "command_execution":
      return display?.kind === "command"
        ? {
            ...started,
            command: display.command,
            aggregated_output: display.output,
            exit_code: display.exitCode,
            status: display.status === "running" ? "in_progress" : display.status,
          }
        : { ...started, aggregated_output: event.output, status: fallback };
    case "file_change":
      return display?.kind === "patch"
        ? {
            ...started,
            changes: display.changes.map(({ diff: _diff, ...change }) => change),
            status: display.status,
          }
        : { ...started, status: fallback };
    case "web_search":
      return display?.kind === "web_search"
        ? { ...started, query: display.query, ...(isObject(event.input) ? { action: event.input } : {}) }
        : started;
    case "mcp_tool_call":
      return event.success
        ? {
            ...started,
            result: (display?.kind === "mcp" && display.result) || {
              content: [{ type: "text", text: event.output }],
            },
            status: "completed",
          }
        : { ...started, error: { message: event.output }, status: "failed" };
    default:
      return { ...started, output: event.output, status: fallback };
  }
}
