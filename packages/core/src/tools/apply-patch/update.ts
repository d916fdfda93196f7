import type { UpdateChunk } from "./parser.js";
import { createSequenceSeeker } from "./seek-sequence.js";

export type UpdateTextResult = { ok: true; text: string } | { ok: false; error: string };

type Replacement = { start: number; removeCount: number; insert: readonly string[] };

/**
 * Applies an update hunk's chunks to a file's text, in memory.
 *
 * Chunks are located in order, each after the previous one (and after its `@@` context line).
 * Lines the patch does not touch keep their exact bytes. Files with CRLF line endings are matched
 * ignoring the `\r` and the lines the patch writes get CRLF too; a UTF-8 byte order mark is kept.
 * The result always ends with a line ending (unless it is empty).
 */
export function applyChunksToText(
  original: string,
  chunks: readonly UpdateChunk[],
  displayPath: string,
): UpdateTextResult {
  const bom = original.startsWith("\uFEFF") ? "\uFEFF" : "";
  const body = bom ? original.slice(1) : original;
  const rawLines = body.split("\n");
  if (rawLines[rawLines.length - 1] === "") rawLines.pop();
  // One array of lines is kept (a 9 MB file of short lines is a million strings): the bare one is
  // the same array unless the file has carriage returns.
  const hasCr = body.includes("\r");
  const bareLines = hasCr
    ? rawLines.map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line))
    : rawLines;
  const eolSuffix = hasCr && usesCrlf(rawLines) ? "\r" : "";

  const located = locateChunks(bareLines, chunks, displayPath);
  if (!located.ok) return located;

  // The untouched stretches are copied as slices of the original text, never line by line.
  const pieces: string[] = [];
  const lineStart = lineOffsets(body);
  let position = 0;
  for (const { start, removeCount, insert } of located.replacements) {
    if (start < position) {
      return {
        ok: false,
        error: `Failed to apply the patch to ${displayPath}: two chunks change the same lines`,
      };
    }
    const kept = body.slice(lineStart(position), lineStart(start));
    // A last line without a line ending gets one when lines follow it.
    pieces.push(kept.endsWith("\n") || kept === "" || insert.length === 0 ? kept : `${kept}\n`);
    for (const line of insert) pieces.push(`${line}${eolSuffix}\n`);
    position = start + removeCount;
  }
  pieces.push(body.slice(lineStart(Math.min(position, rawLines.length))));
  const text = pieces.join("");
  if (text === "") return { ok: true, text: "" };
  return { ok: true, text: `${bom}${withFinalLineEnding(text, eolSuffix)}` };
}

/**
 * The offset in `body` where line `n` starts (the length of `body` past the last line), for `n`
 * asked in increasing order: one pass over the text in all.
 */
function lineOffsets(body: string): (n: number) => number {
  let line = 0;
  let offset = 0;
  return (n) => {
    while (line < n && offset < body.length) {
      const newline = body.indexOf("\n", offset);
      offset = newline === -1 ? body.length : newline + 1;
      line++;
    }
    return offset;
  };
}

/** The text ending with a line ending, and in a CRLF file the last one CRLF too. */
function withFinalLineEnding(text: string, eolSuffix: string): string {
  const lastLineEnd = text.endsWith("\n") ? text.length - 1 : text.length;
  const lastLine = text.slice(text.lastIndexOf("\n", lastLineEnd - 1) + 1, lastLineEnd);
  const cr = eolSuffix !== "" && !lastLine.endsWith("\r") ? "\r" : "";
  return `${text.slice(0, lastLineEnd)}${cr}\n`;
}

function usesCrlf(rawLines: readonly string[]): boolean {
  let crlf = 0;
  for (const line of rawLines) if (line.endsWith("\r")) crlf++;
  return crlf > 0 && crlf * 2 >= rawLines.length;
}

function locateChunks(
  lines: readonly string[],
  chunks: readonly UpdateChunk[],
  displayPath: string,
): { ok: true; replacements: Replacement[] } | { ok: false; error: string } {
  const seek = createSequenceSeeker(lines);
  const replacements: Replacement[] = [];
  let cursor = 0;
  for (const chunk of chunks) {
    if (chunk.changeContext !== undefined) {
      const at = seek([chunk.changeContext], cursor, false);
      if (at === undefined) {
        return { ok: false, error: `Failed to find context '${chunk.changeContext}' in ${displayPath}` };
      }
      cursor = at + 1;
    }

    if (chunk.oldLines.length === 0) {
      // A pure addition goes at the end of the file (before a final blank line, if any).
      if (chunk.newLines.length > 0) {
        const end = lines.length > 0 && lines[lines.length - 1] === "" ? lines.length - 1 : lines.length;
        replacements.push({ start: end, removeCount: 0, insert: chunk.newLines });
      }
      continue;
    }

    let pattern: readonly string[] = chunk.oldLines;
    let insert: readonly string[] = chunk.newLines;
    let at = seek(pattern, cursor, chunk.isEndOfFile);
    if (at === undefined && pattern[pattern.length - 1] === "") {
      // A trailing empty context line is often just the blank line before the next chunk.
      pattern = pattern.slice(0, -1);
      if (insert[insert.length - 1] === "") insert = insert.slice(0, -1);
      at = seek(pattern, cursor, chunk.isEndOfFile);
    }
    if (at === undefined) {
      return {
        ok: false,
        error: `Failed to find expected lines in ${displayPath}:\n${chunk.oldLines.join("\n")}`,
      };
    }
    replacements.push({ start: at, removeCount: pattern.length, insert });
    cursor = at + pattern.length;
  }
  // Stable: pure additions at the same position keep their patch order.
  replacements.sort((a, b) => a.start - b.start);
  return { ok: true, replacements };
}
