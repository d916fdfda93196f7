import type { ToolDisplay } from "@nightshift/core";
import type { Paint } from "../render/paint.js";
import { terminalSafe } from "../render/terminal-safe.js";
import type { ToolCallView } from "../state/cells.js";

/** Output lines shown under a finished command: more when it failed. */
const OK_OUTPUT_LINES = 4;
const FAILED_OUTPUT_LINES = 12;
/** Diff lines shown per file of a patch. */
const DIFF_LINES_PER_FILE = 40;
/** Lines of an MCP result shown. */
const MCP_RESULT_LINES = 6;

/**
 * A tool call as lines of styled text, by its display's kind (never by the tool's name): the
 * same for a built-in tool, an MCP server's tool or a `!` command.
 */
export function toolLines(call: ToolCallView, p: Paint): string[] {
  const display = call.display;
  const running = call.status === "running";
  const mark = running ? p.yellow("•") : call.success ? p.green("✓") : p.red("✗");
  const safe = terminalSafe;
  switch (display?.kind) {
    case "command":
      return commandLines(call, display, mark, p);
    case "patch":
      return patchLines(call, display, mark, p);
    case "plan":
      return [
        `${mark} ${p.bold("Plan")}${display.explanation ? p.dim(` — ${safe(display.explanation)}`) : ""}`,
        ...display.steps.map((step) => {
          const text = safe(step.step);
          if (step.status === "completed") return `  ${p.green("✓")} ${p.dim(p.strike(text))}`;
          if (step.status === "in_progress") return `  ${p.yellow("▸")} ${p.bold(text)}`;
          return `  ${p.dim("□")} ${text}`;
        }),
      ];
    case "mcp": {
      const args = compactJson(display.arguments, 80);
      const head = `${mark} ${p.bold(`${safe(display.server)}.${safe(display.tool)}`)}${p.dim(`(${safe(args)})`)}`;
      if (running) return [head];
      if (display.error)
        return [head, ...indent(firstLines(safe(display.error), MCP_RESULT_LINES)).map(p.red)];
      return [
        head,
        ...indent(firstLines(safe(mcpResultText(display.result, call.output)), MCP_RESULT_LINES)).map(p.dim),
      ];
    }
    case "read": {
      const range =
        display.startLine !== undefined
          ? ` (lines ${display.startLine}–${display.endLine ?? "end"}${display.totalLines ? ` of ${display.totalLines}` : ""})`
          : "";
      const note = display.binary ? " (binary)" : display.truncated ? " (truncated)" : "";
      return [`${mark} Read ${p.bold(safe(display.path))}${p.dim(range + note)}`, ...failure(call, p)];
    }
    case "search": {
      const found = running
        ? ""
        : p.dim(
            ` — ${display.matches} match${display.matches === 1 ? "" : "es"} in ${display.files} file${display.files === 1 ? "" : "s"}`,
          );
      return [
        `${mark} Searched ${p.bold(safe(display.pattern))} in ${safe(display.path)}${found}`,
        ...failure(call, p),
      ];
    }
    case "list":
      return [
        `${mark} Listed ${p.bold(safe(display.path))}${running ? "" : p.dim(` — ${display.entries} entries${display.more ? " (more not shown)" : ""}`)}`,
        ...failure(call, p),
      ];
    case "question": {
      const head = `${running ? p.cyan("?") : mark} ${p.bold("Asked:")} ${safe(display.question)}`;
      if (running) return [head];
      const answer =
        display.status === "answered"
          ? p.green(`  → ${safe(display.answer ?? "")}`)
          : p.dim(
              display.status === "unavailable"
                ? "  → no one to answer: the agent decides"
                : "  → not answered: the agent decides",
            );
      return [head, answer];
    }
    case "web_search": {
      if (running) return [`${mark} ${p.bold("Searching the web")}`];
      const what =
        display.action === "open_page" || display.action === "find"
          ? `Opened ${p.bold(safe(display.url ?? "a page"))}`
          : `Searched the web for ${p.bold(safe(display.query))}`;
      return [`${mark} ${what}`, ...failure(call, p)];
    }
    default:
      return [
        `${mark} ${p.bold(safe(call.name))}`,
        ...(running ? [] : indent(firstLines(safe(call.output ?? ""), OK_OUTPUT_LINES)).map(p.dim)),
      ];
  }
}

function commandLines(
  call: ToolCallView,
  display: Extract<ToolDisplay, { kind: "command" }>,
  mark: string,
  p: Paint,
): string[] {
  const head = `${mark} ${p.bold(`$ ${terminalSafe(display.command)}`)}`;
  if (call.status === "running") {
    const hidden = call.lines - call.tail.length;
    return [
      head,
      ...(hidden > 0 ? [p.dim(`  … ${hidden} earlier line${hidden === 1 ? "" : "s"}`)] : []),
      ...call.tail.map((line) => p.dim(`  ${terminalSafe(line)}`)),
    ];
  }
  if (display.status === "declined")
    return [head, p.red(`  not run: ${firstLine(call.output ?? "declined")}`)];
  if (display.status === "running")
    return [head, p.dim(`  still running in terminal session ${display.sessionId ?? "?"}`)];
  const took = display.durationMs === undefined ? "" : ` · ${(display.durationMs / 1000).toFixed(1)}s`;
  const exit = display.exitCode === null ? "killed" : `exit ${display.exitCode}`;
  const failed = display.status === "failed";
  const output = terminalSafe(display.output || (failed ? (call.output ?? "") : "")).replace(/\n+$/, "");
  const lines = output === "" ? [] : output.split("\n");
  const keep = failed ? FAILED_OUTPUT_LINES : OK_OUTPUT_LINES;
  const shown = lines.slice(-keep);
  const hidden = lines.length - shown.length;
  return [
    `${head} ${failed ? p.red(exit) : p.dim(exit)}${p.dim(took)}`,
    ...(hidden > 0 ? [p.dim(`  … ${hidden} earlier line${hidden === 1 ? "" : "s"}`)] : []),
    ...shown.map((line) => p.dim(`  ${line}`)),
  ];
}

function patchLines(
  call: ToolCallView,
  display: Extract<ToolDisplay, { kind: "patch" }>,
  mark: string,
  p: Paint,
): string[] {
  const changes = display.changes;
  let added = 0;
  let removed = 0;
  for (const change of changes) {
    for (const line of change.diff.split("\n")) {
      if (line.startsWith("+") && !line.startsWith("+++")) added++;
      else if (line.startsWith("-") && !line.startsWith("---")) removed++;
    }
  }
  const verb =
    call.status === "running" ? "Editing" : display.status === "completed" ? "Edited" : "Failed to edit";
  // A patch still being checked may not know its files yet.
  if (changes.length === 0)
    return [`${mark} ${p.bold(call.status === "running" ? "Applying a patch" : verb)}`, ...failure(call, p)];
  const out = [
    `${mark} ${p.bold(`${verb} ${changes.length} file${changes.length === 1 ? "" : "s"}`)} ${p.green(`+${added}`)} ${p.red(`-${removed}`)}`,
  ];
  if (display.status === "failed" || display.status === "declined")
    out.push(p.red(`  ${firstLine(display.error ?? call.output ?? display.status)}`));
  for (const change of changes) {
    const letter =
      change.kind === "add" ? p.green("A") : change.kind === "delete" ? p.red("D") : p.yellow("M");
    const name = change.movePath ? `${change.path} → ${change.movePath}` : change.path;
    out.push(`  ${letter} ${terminalSafe(name)}`);
    out.push(...diffLines(change.diff, p, DIFF_LINES_PER_FILE).map((line) => `    ${line}`));
  }
  return out;
}

/** A unified diff coloured line by line, at most `max` lines. */
export function diffLines(diff: string, p: Paint, max: number): string[] {
  const lines = terminalSafe(diff)
    .replace(/\n+$/, "")
    .split("\n")
    .filter((line) => line !== "");
  const shown = lines.slice(0, max).map((line) => {
    if (line.startsWith("+++") || line.startsWith("---") || line.startsWith("diff ")) return p.bold(line);
    if (line.startsWith("+")) return p.green(line);
    if (line.startsWith("-")) return p.red(line);
    if (line.startsWith("@@")) return p.cyan(line);
    return p.dim(line);
  });
  if (lines.length > max) shown.push(p.dim(`… ${lines.length - max} more lines`));
  return shown;
}

function failure(call: ToolCallView, p: Paint): string[] {
  if (call.status === "running" || call.success) return [];
  return [p.red(`  ${firstLine(call.output ?? "failed")}`)];
}

function mcpResultText(result: unknown, fallback: string | undefined): string {
  const content = (result as { content?: unknown } | undefined)?.content;
  if (Array.isArray(content)) {
    const texts = content
      .map((part) => (part as { type?: string; text?: unknown }).text)
      .filter((text): text is string => typeof text === "string");
    if (texts.length > 0) return texts.join("\n");
  }
  if (result !== undefined) return compactJson(result, 400);
  return fallback ?? "";
}

function compactJson(value: unknown, max: number): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? "";
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function indent(lines: string[]): string[] {
  return lines.map((line) => `  ${line}`);
}

function firstLines(text: string, max: number): string[] {
  const lines = text.replace(/\n+$/, "").split("\n");
  const shown = lines.slice(0, max);
  if (lines.length > max) shown.push(`… ${lines.length - max} more lines`);
  return shown.filter((line, index) => line !== "" || index < shown.length - 1);
}

function firstLine(text: string): string {
  const line =
    terminalSafe(text)
      .split("\n")
      .find((entry) => entry.trim() !== "") ?? "";
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
