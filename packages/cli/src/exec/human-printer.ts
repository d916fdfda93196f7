import type { AgentEvent, ToolDisplay } from "@nightshift/core";
import { PLAIN, type Style } from "./style.js";
import { terminalSafe } from "./terminal-text.js";

type Write = (text: string) => void;
type Completed = Extract<AgentEvent, { type: "tool_call_completed" }>;

/** Lines of a failing command's output shown under it. */
const FAILED_OUTPUT_TAIL_LINES = 6;
/** Lines of each file's diff shown under a patch. */
const DIFF_PREVIEW_LINES = 12;
/** Reasoning summary lines shown (all of them with show_raw_agent_reasoning). */
const REASONING_LINES = 3;

/**
 * Readable progress on stderr, rendered by what each tool call is (its display's kind), never by
 * tool name; the final message goes to stdout by the caller.
 */
export class HumanPrinter {
  readonly #err: Write;
  readonly #showReasoning: boolean;
  readonly #style: Style;

  constructor(err: Write, options: { showReasoning: boolean; style?: Style }) {
    this.#err = err;
    this.#showReasoning = options.showReasoning;
    this.#style = options.style ?? PLAIN;
  }

  handle(event: AgentEvent): void {
    const s = this.#style;
    const line = (text: string) => this.#err(`${text}\n`);
    const safe = terminalSafe;
    switch (event.type) {
      case "session_configured":
        line(
          s.dim(
            `nightshift · session ${event.sessionId}${event.resumed ? " (resumed)" : ""} · model ${event.model} · ${safe(event.cwd)}`,
          ),
        );
        break;
      case "reasoning": {
        const lines = safe(event.text).split("\n").filter(Boolean);
        const shown = this.#showReasoning ? lines : lines.slice(0, REASONING_LINES);
        for (const text of shown) line(s.dim(`thinking: ${text}`));
        if (shown.length < lines.length)
          line(s.dim(`thinking: … (${lines.length - shown.length} more lines)`));
        break;
      }
      case "agent_message":
        if (event.phase === "commentary") line(`» ${safe(event.text)}`);
        break;
      case "tool_call_started":
        if (event.display?.kind !== "plan") line(s.cyan(`▸ ${safe(startedText(event.name, event.display))}`));
        break;
      case "tool_call_completed":
        for (const text of completedLines(event, s)) line(text);
        break;
      case "approval_requested":
        line(s.yellow(`? approval needed: ${safe(event.request.summary)}`));
        break;
      case "retry":
        line(
          s.yellow(
            `reconnecting (${event.attempt}/${event.maxAttempts}) in ${(event.delayMs / 1000).toFixed(1)}s: ${safe(event.message)}`,
          ),
        );
        break;
      case "compacted":
        line(
          s.dim(
            `context compacted (${event.reason}, ${event.method}): ~${event.tokensBefore.toLocaleString("en-US")} → ~${event.tokensAfter.toLocaleString("en-US")} tokens`,
          ),
        );
        break;
      case "warning":
        line(s.yellow(`warning: ${safe(event.message)}`));
        break;
      case "model_fallback":
        line(
          s.yellow(
            `model: continuing on ${safe(event.to)} instead of ${safe(event.from)}: ${safe(event.reason)}`,
          ),
        );
        break;
      case "turn_stopped":
        line(s.red(`stopped: ${safe(event.reason.message)}`));
        break;
      case "turn_failed":
        line(s.red(`error: ${safe(event.error.message)}`));
        break;
      default:
        break;
    }
  }
}

function startedText(name: string, display: ToolDisplay | undefined): string {
  switch (display?.kind) {
    case "command":
      return `run ${display.command}`;
    case "patch":
      return "apply patch";
    case "mcp":
      return `${display.server}.${display.tool}`;
    case "read":
      return `read ${display.path}`;
    case "search":
      return `search ${display.pattern} in ${display.path}`;
    case "list":
      return `list ${display.path}`;
    case "web_search":
      return display.query ? `web search: ${display.query}` : "web search";
    case "question":
      return `question for the user: ${display.question}`;
    default:
      return name;
  }
}

function completedLines(event: Completed, s: Style): string[] {
  const display = event.display;
  const ok = (text: string) => `  ${s.green("✓")} ${text}`;
  const bad = (text: string) => `  ${s.red("✗")} ${text}`;
  switch (display?.kind) {
    case "plan":
      return display.steps.map(
        (step) =>
          `  ${step.status === "completed" ? s.green("✓") : step.status === "in_progress" ? s.yellow("→") : "·"} ${terminalSafe(step.step)}`,
      );
    case "command": {
      const took =
        display.durationMs === undefined ? "" : s.dim(` (${(display.durationMs / 1000).toFixed(1)}s)`);
      if (display.status === "declined") return [bad(`not run: ${terminalSafe(firstLine(event.output))}`)];
      if (display.status === "running") return [ok(`still running in session ${display.sessionId ?? "?"}`)];
      const exit = display.exitCode === null ? "killed" : `exit ${display.exitCode}`;
      if (display.status === "completed") return [ok(`${exit}${took}`)];
      return [
        bad(`${exit}${took}`),
        ...tail(display.output || event.output).map((text) => s.dim(`    ${text}`)),
      ];
    }
    case "patch": {
      if (display.status !== "completed")
        return [bad(terminalSafe(firstLine(display.error ?? event.output)))];
      return display.changes.flatMap((change) => [
        ok(
          `${change.kind === "add" ? "A" : change.kind === "delete" ? "D" : "M"} ${terminalSafe(change.movePath ?? change.path)}`,
        ),
        ...diffPreview(change.diff, s),
      ]);
    }
    case "question":
      return display.status === "answered"
        ? [ok(`answer: ${terminalSafe(display.answer ?? "")}`)]
        : [
            bad(
              display.status === "unavailable" ? "no one here to answer: the model decides" : "not answered",
            ),
          ];
    case "web_search": {
      if (!event.success) return [bad(terminalSafe(firstLine(event.output) || "search failed"))];
      const what =
        display.action === "open_page" || display.action === "find"
          ? `opened ${display.url ?? "a page"}`
          : `searched: ${display.query}`;
      return [ok(terminalSafe(what))];
    }
    case "search":
      return event.success
        ? [
            ok(
              `${display.matches} match${display.matches === 1 ? "" : "es"} in ${display.files} file${display.files === 1 ? "" : "s"}`,
            ),
          ]
        : [bad(terminalSafe(firstLine(event.output)))];
    default:
      return [event.success ? ok("done") : bad(terminalSafe(firstLine(event.output)))];
  }
}

function diffPreview(diff: string, s: Style): string[] {
  const lines = terminalSafe(diff)
    .split("\n")
    .filter((text) => text !== "");
  const shown = lines.slice(0, DIFF_PREVIEW_LINES).map((text) => {
    const styled = text.startsWith("+") ? s.green(text) : text.startsWith("-") ? s.red(text) : s.dim(text);
    return `      ${styled}`;
  });
  if (lines.length > shown.length) shown.push(s.dim(`      … ${lines.length - shown.length} more lines`));
  return shown;
}

function tail(output: string): string[] {
  const lines = terminalSafe(output).replace(/\n+$/, "").split("\n");
  return lines.slice(-FAILED_OUTPUT_TAIL_LINES);
}

function firstLine(text: string): string {
  const first = text.split("\n").find((l) => l.trim() !== "") ?? "";
  return first.length > 200 ? `${first.slice(0, 200)}…` : first;
}
