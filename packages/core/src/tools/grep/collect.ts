import { clipLine } from "../truncate.js";
import type { RgData, RgEvent, RgLine } from "./ripgrep.js";

export const MAX_LINE_CHARS = 500;

export type CollectOptions = {
  /** Matching lines shown at most. */
  limit: number;
  /** Lines of context rg was asked for (to tell trailing context from the next match's). */
  contextLines: number;
  /** Bytes of output allowed. */
  budgetBytes: number;
};

export type Collected = {
  text: string;
  matches: number;
  files: number;
  /** More matches exist than were shown. */
  limitReached: boolean;
  budgetReached: boolean;
};

/** The lines shown for one file (its header is written when the groups are put together). */
type FileGroup = { path: string; lines: string[] };

/**
 * Turns rg's messages into output grouped by file: a path line, then `L<n>: ` for matching lines
 * and `L<n>- ` for context, with a blank line between files. rg searches files in parallel and
 * reports each file whole, in whatever order they finish; the groups kept (bounded by the limit
 * and the budget) are sorted by path here, so the output order never depends on timing.
 */
export class GrepCollector {
  private readonly groups: FileGroup[] = [];
  private current: FileGroup | null = null;
  private bytes = 0;
  private matches = 0;
  private limitReached = false;
  private budgetReached = false;
  private currentPath: string | null = null;
  private lastMatchLine: number | null = null;
  /** Context seen since the last shown match: shown only if another match in the file follows. */
  private pendingContext: RgLine[] = [];

  constructor(private readonly options: CollectOptions) {}

  onEvent(event: RgEvent): "continue" | "stop" {
    switch (event.type) {
      case "begin":
        this.currentPath = displayPath(event.path);
        this.current = null;
        this.lastMatchLine = null;
        this.pendingContext = [];
        return "continue";
      case "context": {
        const number = event.line.line_number;
        const trailing =
          this.lastMatchLine !== null &&
          number !== null &&
          number - this.lastMatchLine <= this.options.contextLines;
        if (!trailing) {
          this.pendingContext.push(event.line);
          return "continue";
        }
        return this.write(renderLine(event.line, "-")) ? "continue" : "stop";
      }
      case "match":
      case "overlong": {
        if (this.matches >= this.options.limit) {
          this.limitReached = true;
          return "stop";
        }
        const lines = this.pendingContext.map((line) => renderLine(line, "-"));
        this.pendingContext = [];
        lines.push(
          event.type === "match" ? renderLine(event.line, ":") : "(a matching line too long to show)\n",
        );
        for (const line of lines) if (!this.write(line)) return "stop";
        this.matches++;
        this.lastMatchLine = event.type === "match" ? event.line.line_number : null;
        return "continue";
      }
    }
  }

  result(): Collected {
    const sorted = [...this.groups].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return {
      text: sorted.map((group) => `${group.path}\n${group.lines.join("")}`).join("\n"),
      matches: this.matches,
      files: sorted.length,
      limitReached: this.limitReached,
      budgetReached: this.budgetReached,
    };
  }

  /** Appends a line (counting the file's header with its first line); false when over budget. */
  private write(line: string): boolean {
    const path = this.currentPath ?? "(unknown file)";
    const header = this.current === null ? `${this.groups.length > 0 ? "\n" : ""}${path}\n` : "";
    const size = Buffer.byteLength(header + line, "utf8");
    if (this.bytes + size > this.options.budgetBytes) {
      this.budgetReached = true;
      return false;
    }
    if (this.current === null) {
      this.current = { path, lines: [] };
      this.groups.push(this.current);
    }
    this.current.lines.push(line);
    this.bytes += size;
    return true;
  }
}

function decode(data: RgData | undefined): string {
  if (!data) return "";
  return "text" in data ? data.text : Buffer.from(data.bytes, "base64").toString("utf8");
}

function displayPath(data: RgData): string {
  const text = decode(data);
  return text.startsWith("./") ? text.slice(2) : text;
}

function renderLine(line: RgLine, separator: ":" | "-"): string {
  const text = decode(line.lines).replace(/\r?\n$/, "");
  const number = line.line_number === null ? "?" : String(line.line_number);
  return `L${number}${separator} ${showLine(text, line.submatches[0]?.start)}\n`;
}

/** A long line is shown as a window starting a little before its first match. */
function showLine(text: string, matchByteStart: number | undefined): string {
  if (text.length <= MAX_LINE_CHARS) return text;
  const fullBytes = Buffer.byteLength(text, "utf8");
  if (matchByteStart === undefined) return clipLine(text, MAX_LINE_CHARS, fullBytes).text;
  const matchChar = Buffer.from(text, "utf8").subarray(0, matchByteStart).toString("utf8").length;
  let from = Math.max(0, Math.min(matchChar - Math.floor(MAX_LINE_CHARS / 5), text.length - MAX_LINE_CHARS));
  if (isLowSurrogate(text.charCodeAt(from))) from++;
  let to = Math.min(text.length, from + MAX_LINE_CHARS);
  if (isHighSurrogate(text.charCodeAt(to - 1))) to--;
  return `${from > 0 ? "…" : ""}${text.slice(from, to)}${to < text.length ? "…" : ""} [line clipped, ${fullBytes} bytes in all]`;
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;
