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
  const rawLines = (bom ? original.slice(1) : original).split("\n");
  if (rawLines[rawLines.length - 1] === "") rawLines.pop();
  const bareLines = rawLines.map((line) => (line.endsWith("\r") ? line.slice(0, -1) : line));
  const eolSuffix = usesCrlf(rawLines) ? "\r" : "";

  const located = locateChunks(bareLines, chunks, displayPath);
  if (!located.ok) return located;

  const out: string[] = [];
  let position = 0;
  for (const { start, removeCount, insert } of located.replacements) {
    if (start < position) {
      return {
        ok: false,
        error: `Failed to apply the patch to ${displayPath}: two chunks change the same lines`,
      };
    }
    for (let i = position; i < start; i++) out.push(rawLines[i]!);
    for (const line of insert) out.push(line + eolSuffix);
    position = start + removeCount;
  }
  for (let i = position; i < rawLines.length; i++) out.push(rawLines[i]!);

  if (out.length === 0) return { ok: true, text: "" };
  if (eolSuffix !== "" && !out[out.length - 1]!.endsWith("\r")) out[out.length - 1] += "\r";
  return { ok: true, text: `${bom}${out.join("\n")}\n` };
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
