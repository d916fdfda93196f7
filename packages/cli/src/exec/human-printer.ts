import { type AgentEvent, quoteArgv } from "@nightshift/core";
import { terminalSafe } from "./terminal-text.js";

type Write = (text: string) => void;

/** Readable progress on stderr; the final message goes to stdout by the caller. */
export class HumanPrinter {
  readonly #err: Write;
  readonly #showReasoning: boolean;

  constructor(err: Write, options: { showReasoning: boolean }) {
    this.#err = err;
    this.#showReasoning = options.showReasoning;
  }

  handle(event: AgentEvent): void {
    const line = (text: string) => this.#err(`${terminalSafe(text)}\n`);
    switch (event.type) {
      case "session_configured":
        line(
          `nightshift · session ${event.sessionId}${event.resumed ? " (resumed)" : ""} · model ${event.model} · ${event.cwd}`,
        );
        break;
      case "reasoning":
        if (this.#showReasoning) line(`thinking: ${event.text}`);
        break;
      case "agent_message":
        if (event.phase === "commentary") line(`» ${event.text}`);
        break;
      case "tool_call_started":
        line(`▸ ${describeCall(event.name, event.input)}`);
        break;
      case "tool_call_completed": {
        if (event.name === "update_plan") {
          const plan = (event.display?.plan ?? []) as { step: string; status: string }[];
          for (const step of plan)
            line(
              `  ${step.status === "completed" ? "✓" : step.status === "in_progress" ? "→" : "·"} ${step.step}`,
            );
          break;
        }
        const exit = event.display?.exit_code;
        const status = typeof exit === "number" ? `exit ${exit}` : event.success ? "ok" : "failed";
        line(`  ${status}${event.success ? "" : `: ${firstLine(event.output)}`}`);
        break;
      }
      case "retry":
        line(
          `reconnecting (${event.attempt}/${event.maxAttempts}) in ${(event.delayMs / 1000).toFixed(1)}s: ${event.message}`,
        );
        break;
      case "compacted":
        line(
          `context compacted (${event.reason}, ${event.method}): ~${event.tokensBefore.toLocaleString("en-US")} → ~${event.tokensAfter.toLocaleString("en-US")} tokens`,
        );
        break;
      case "warning":
        line(`warning: ${event.message}`);
        break;
      case "turn_failed":
        line(`error: ${event.error.message}`);
        break;
      default:
        break;
    }
  }
}

function firstLine(text: string): string {
  const first = text.split("\n").find((l) => l.trim() !== "") ?? "";
  return first.length > 200 ? `${first.slice(0, 200)}…` : first;
}

function describeCall(name: string, input: unknown): string {
  const args = (input ?? {}) as Record<string, unknown>;
  if (name === "shell" && Array.isArray(args.command)) return `run ${quoteArgv(args.command.map(String))}`;
  if (name === "apply_patch") return "apply patch";
  if (typeof args.path === "string") return `${name} ${args.path}`;
  if (typeof args.pattern === "string") return `${name} ${args.pattern}`;
  return name;
}
