import { type AgentEvent, quoteArgv } from "@nightshift/core";
import { parseApplyPatchInvocation } from "@nightshift/core/apply-patch";

type Item = Record<string, unknown> & { id: string; type: string };
type Write = (line: string) => void;

/**
 * Prints the engine's events as the JSONL stream of `codex exec --json`: thread.*, turn.*,
 * item.started|updated|completed with agent_message, reasoning, command_execution,
 * file_change, mcp_tool_call, todo_list and error items.
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
        this.#emit({
          type: "error",
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
        this.#finishTodo();
        this.#emit({ type: "turn.failed", error: { message: event.error.message } });
        break;
      default:
        break;
    }
  }

  #toolStarted(event: Extract<AgentEvent, { type: "tool_call_started" }>): void {
    if (event.name === "update_plan") return;
    const item = startedItem(this.#id(), event.name, event.input);
    this.#calls.set(event.callId, item);
    this.#emit({ type: "item.started", item });
  }

  #toolCompleted(event: Extract<AgentEvent, { type: "tool_call_completed" }>): void {
    if (event.name === "update_plan") {
      const plan = (event.display?.plan ?? []) as { step: string; status: string }[];
      const items = plan.map((step) => ({ text: step.step, completed: step.status === "completed" }));
      if (this.#todo) {
        this.#todo = { ...this.#todo, items };
        this.#emit({ type: "item.updated", item: this.#todo });
      } else {
        this.#todo = { id: this.#id(), type: "todo_list", items };
        this.#emit({ type: "item.started", item: this.#todo });
      }
      return;
    }
    const started = this.#calls.get(event.callId) ?? startedItem(this.#id(), event.name, event.input);
    this.#calls.delete(event.callId);
    this.#emit({ type: "item.completed", item: completedItem(started, event) });
  }

  #finishTodo(): void {
    if (!this.#todo) return;
    this.#emit({ type: "item.completed", item: this.#todo });
    this.#todo = null;
  }
}

function usageJson(usage: Extract<AgentEvent, { type: "turn_completed" }>["usage"]) {
  return {
    input_tokens: usage.input_tokens,
    cached_input_tokens: usage.cached_input_tokens,
    output_tokens: usage.output_tokens,
    reasoning_output_tokens: usage.reasoning_output_tokens,
  };
}

function commandArgv(input: unknown): string[] | null {
  const command = (input as { command?: unknown } | null)?.command;
  return Array.isArray(command) ? command.map(String) : null;
}

function startedItem(id: string, name: string, input: unknown): Item {
  const argv = name === "shell" ? commandArgv(input) : null;
  // A patch sent through the shell is applied as a patch, and reported as one.
  if (name === "apply_patch" || (argv && parseApplyPatchInvocation(argv))) {
    return { id, type: "file_change", changes: [], status: "in_progress" };
  }
  if (name === "shell") {
    return {
      id,
      type: "command_execution",
      command: argv ? quoteArgv(argv) : "",
      aggregated_output: "",
      exit_code: null,
      status: "in_progress",
    };
  }
  const mcp = /^mcp__(.+?)__(.+)$/.exec(name);
  if (mcp) {
    return {
      id,
      type: "mcp_tool_call",
      server: mcp[1],
      tool: mcp[2],
      arguments: input,
      result: null,
      error: null,
      status: "in_progress",
    };
  }
  return { id, type: "tool_call", tool: name, arguments: input, output: null, status: "in_progress" };
}

function completedItem(started: Item, event: Extract<AgentEvent, { type: "tool_call_completed" }>): Item {
  const display = event.display ?? {};
  const status = display.status ?? (event.success ? "completed" : "failed");
  switch (started.type) {
    case "command_execution":
      return {
        ...started,
        command: typeof display.command === "string" ? display.command : started.command,
        aggregated_output:
          typeof display.aggregated_output === "string" ? display.aggregated_output : event.output,
        exit_code: typeof display.exit_code === "number" ? display.exit_code : null,
        status,
      };
    case "file_change":
      return { ...started, changes: display.changes ?? [], status };
    case "mcp_tool_call":
      return event.success
        ? {
            ...started,
            result: display.result ?? { content: [{ type: "text", text: event.output }] },
            status,
          }
        : { ...started, error: { message: event.output }, status };
    default:
      return { ...started, output: event.output, status };
  }
}
