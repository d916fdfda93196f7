import type { FileChangeDisplay } from "../tool.js";
import type { PatchChange } from "./apply.js";
import type { PatchHunk, UpdateChunk } from "./parser.js";

/** A face shows at most this much of one file's diff. */
const MAX_DIFF_LINES = 400;
/** Chunks larger than this are shown as all removed then all added (no line matching). */
const MAX_MATCHED_CHUNK_LINES = 500;

/** The files a patch changed, each with its change as unified-diff lines for a face to show. */
export function fileChangeDisplays(
  hunks: readonly PatchHunk[],
  changes: readonly PatchChange[],
): FileChangeDisplay[] {
  return changes.map((change, index) => {
    const hunk = hunks[index];
    const diff = hunk && hunk.path === change.path ? diffOf(hunk) : "";
    return { ...change, diff };
  });
}

function diffOf(hunk: PatchHunk): string {
  const lines: string[] = [];
  if (hunk.kind === "add") {
    const added = hunk.contents.endsWith("\n")
      ? hunk.contents.slice(0, -1).split("\n")
      : hunk.contents.split("\n");
    lines.push(`@@ -0,0 +1,${added.length} @@`, ...added.map((line) => `+${line}`));
  } else if (hunk.kind === "update") {
    for (const chunk of hunk.chunks)
      lines.push(`@@ ${chunk.changeContext ?? ""}`.trimEnd(), ...chunkLines(chunk));
  }
  if (lines.length > MAX_DIFF_LINES) {
    const cut = lines.length - MAX_DIFF_LINES;
    return [...lines.slice(0, MAX_DIFF_LINES), `… ${cut} more line${cut === 1 ? "" : "s"}`].join("\n");
  }
  return lines.join("\n");
}

/** A chunk's old and new lines as context, removed and added lines (longest common subsequence). */
function chunkLines(chunk: UpdateChunk): string[] {
  const { oldLines: a, newLines: b } = chunk;
  if (a.length + b.length > MAX_MATCHED_CHUNK_LINES) {
    return [...a.map((line) => `-${line}`), ...b.map((line) => `+${line}`)];
  }
  // lcs[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const lcs = Array.from({ length: a.length + 1 }, () => new Uint16Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      out.push(` ${a[i]}`);
      i++;
      j++;
    } else if (j < b.length && (i === a.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      out.push(`+${b[j++]}`);
    } else {
      out.push(`-${a[i++]}`);
    }
  }
  return out;
}
