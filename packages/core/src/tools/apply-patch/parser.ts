/**
 * Parser for the apply_patch format (a file-oriented diff, see grammar.ts).
 *
 * It is lenient in the same places the reference implementation is: the text is trimmed, the
 * Begin/End markers and hunk headers may be padded with whitespace, a `<<EOF ... EOF` heredoc
 * wrapper is stripped, the first chunk of an update may omit `@@`, blank lines between chunks
 * are skipped, and an empty line inside a chunk is an empty context line. Two small extras:
 * blank lines between hunks are skipped too, and a chunk that has only an `@@ <line>` header
 * (followed directly by another `@@` header) is kept as a context-only chunk, which lets
 * several headers narrow the position step by step.
 */

export type UpdateChunk = {
  /** A line (from `@@ <line>`) to find first; the chunk is searched for after it. */
  changeContext?: string;
  oldLines: string[];
  newLines: string[];
  /** The chunk must match at the end of the file (`*** End of File`). */
  isEndOfFile: boolean;
};

export type PatchHunk =
  | { kind: "add"; path: string; contents: string }
  | { kind: "delete"; path: string }
  | { kind: "update"; path: string; movePath?: string; chunks: UpdateChunk[] };

export type ParsePatchResult = { ok: true; hunks: PatchHunk[] } | { ok: false; error: string };

export const BEGIN_PATCH = "*** Begin Patch";
export const END_PATCH = "*** End Patch";
const ADD_FILE = "*** Add File: ";
const DELETE_FILE = "*** Delete File: ";
const UPDATE_FILE = "*** Update File: ";
const MOVE_TO = "*** Move to: ";
const END_OF_FILE = "*** End of File";
const HEREDOC_OPENERS = new Set(["<<EOF", "<<'EOF'", '<<"EOF"']);

class PatchSyntaxError extends Error {}

function hunkError(lineNumber: number, message: string): PatchSyntaxError {
  return new PatchSyntaxError(`Invalid hunk at line ${lineNumber}: ${message}`);
}

function patchError(message: string): PatchSyntaxError {
  return new PatchSyntaxError(`Invalid patch: ${message}`);
}

export function parsePatch(text: string): ParsePatchResult {
  try {
    return { ok: true, hunks: parseOrThrow(text) };
  } catch (err) {
    if (err instanceof PatchSyntaxError) return { ok: false, error: err.message };
    throw err;
  }
}

function parseOrThrow(text: string): PatchHunk[] {
  const trimmed = text.trim();
  // Line numbers in errors refer to the text as given, so count the lines trimmed away in front.
  let firstLineNumber = 1 + countNewlines(text.slice(0, text.length - text.trimStart().length));
  let lines = trimmed.split(/\r?\n/);
  const boundaryError = checkBoundaries(lines);
  if (boundaryError !== undefined) {
    const unwrapped = unwrapHeredoc(lines);
    if (unwrapped === undefined) throw patchError(boundaryError);
    const innerError = checkBoundaries(unwrapped);
    if (innerError !== undefined) throw patchError(innerError);
    lines = unwrapped;
    firstLineNumber += 1;
  }
  return parseHunks(lines.slice(1, -1), firstLineNumber + 1);
}

function countNewlines(text: string): number {
  let count = 0;
  for (const char of text) if (char === "\n") count++;
  return count;
}

function checkBoundaries(lines: string[]): string | undefined {
  const first = lines[0]?.trim();
  const last = lines.length > 1 ? lines[lines.length - 1]?.trim() : first;
  if (first !== BEGIN_PATCH) return `The first line of the patch must be '${BEGIN_PATCH}'`;
  if (last !== END_PATCH) return `The last line of the patch must be '${END_PATCH}'`;
  return undefined;
}

/** `<<EOF` / `<<'EOF'` / `<<"EOF"` ... `EOF` around the patch, as some models send it. */
function unwrapHeredoc(lines: string[]): string[] | undefined {
  if (lines.length < 4) return undefined;
  const first = lines[0]!;
  const last = lines[lines.length - 1]!;
  if (!HEREDOC_OPENERS.has(first) || !last.endsWith("EOF")) return undefined;
  return lines.slice(1, -1);
}

function parseHunks(lines: string[], firstLineNumber: number): PatchHunk[] {
  const hunks: PatchHunk[] = [];
  let index = 0;
  while (index < lines.length) {
    if (lines[index]!.trim() === "") {
      index++;
      continue;
    }
    const { hunk, consumed } = parseHunk(lines, index, firstLineNumber + index);
    hunks.push(hunk);
    index += consumed;
  }
  return hunks;
}

function headerPath(header: string, marker: string): string | undefined {
  if (!header.startsWith(marker)) return undefined;
  return header.slice(marker.length).trim();
}

function parseHunk(
  lines: string[],
  start: number,
  lineNumber: number,
): { hunk: PatchHunk; consumed: number } {
  const header = lines[start]!.trim();

  const addPath = headerPath(header, ADD_FILE);
  if (addPath !== undefined) {
    const contentLines: string[] = [];
    let index = start + 1;
    while (index < lines.length && lines[index]!.startsWith("+")) {
      contentLines.push(lines[index]!.slice(1));
      index++;
    }
    const contents = contentLines.length === 0 ? "" : `${contentLines.join("\n")}\n`;
    return { hunk: { kind: "add", path: addPath, contents }, consumed: index - start };
  }

  const deletePath = headerPath(header, DELETE_FILE);
  if (deletePath !== undefined) return { hunk: { kind: "delete", path: deletePath }, consumed: 1 };

  const updatePath = headerPath(header, UPDATE_FILE);
  if (updatePath !== undefined) return parseUpdateHunk(lines, start, lineNumber, updatePath);

  throw hunkError(
    lineNumber,
    `'${header}' is not a valid hunk header. Valid hunk headers: '${ADD_FILE}{path}', '${DELETE_FILE}{path}', '${UPDATE_FILE}{path}'`,
  );
}

function parseUpdateHunk(
  lines: string[],
  start: number,
  lineNumber: number,
  path: string,
): { hunk: PatchHunk; consumed: number } {
  let index = start + 1;
  let movePath: string | undefined;
  const maybeMove = lines[index]?.trim();
  if (maybeMove?.startsWith(MOVE_TO.trimEnd())) {
    movePath = headerPath(maybeMove, MOVE_TO);
    if (!movePath) throw hunkError(lineNumber + 1, `'${maybeMove}' does not name a destination path`);
    index++;
  }

  const chunks: UpdateChunk[] = [];
  while (index < lines.length) {
    const line = lines[index]!;
    if (line.trim() === "") {
      index++;
      continue;
    }
    if (line.startsWith("***")) break;
    const parsed = parseChunk(lines, index, lineNumber + (index - start), chunks.length === 0);
    chunks.push(parsed.chunk);
    index += parsed.consumed;
  }
  if (chunks.length === 0) throw hunkError(lineNumber, `Update file hunk for path '${path}' is empty`);

  const hunk: PatchHunk =
    movePath === undefined ? { kind: "update", path, chunks } : { kind: "update", path, movePath, chunks };
  return { hunk, consumed: index - start };
}

/** The context of an `@@` header line: `null` when the line is not a header, `undefined` when it has none. */
function chunkHeaderContext(line: string): string | undefined | null {
  if (line === "@@") return undefined;
  if (!line.startsWith("@@ ")) return null;
  const context = line.slice(3);
  return context.trim() === "" ? undefined : context;
}

function parseChunk(
  lines: string[],
  start: number,
  lineNumber: number,
  headerOptional: boolean,
): { chunk: UpdateChunk; consumed: number } {
  const headerContext = chunkHeaderContext(lines[start]!);
  let index = start;
  if (headerContext === null) {
    if (!headerOptional) {
      throw hunkError(
        lineNumber,
        `Expected an '@@' line to start the next chunk of the update, got: '${lines[start]}'`,
      );
    }
  } else {
    index++;
  }
  const chunk: UpdateChunk = { oldLines: [], newLines: [], isEndOfFile: false };
  if (headerContext !== null && headerContext !== undefined) chunk.changeContext = headerContext;

  if (index >= lines.length) throw hunkError(lineNumber + 1, "Update chunk does not contain any lines");
  if (chunk.changeContext !== undefined && chunkHeaderContext(lines[index]!) !== null) {
    // Another header follows directly: this chunk only moves the search position forward.
    return { chunk, consumed: index - start };
  }

  let bodyLines = 0;
  for (; index < lines.length; index++) {
    const line = lines[index]!;
    if (line === END_OF_FILE) {
      if (bodyLines === 0) throw hunkError(lineNumber + 1, "Update chunk does not contain any lines");
      chunk.isEndOfFile = true;
      index++;
      break;
    }
    const marker = line[0];
    const rest = line.slice(1);
    if (marker === undefined) {
      chunk.oldLines.push("");
      chunk.newLines.push("");
    } else if (marker === " ") {
      chunk.oldLines.push(rest);
      chunk.newLines.push(rest);
    } else if (marker === "-") {
      chunk.oldLines.push(rest);
    } else if (marker === "+") {
      chunk.newLines.push(rest);
    } else if (bodyLines === 0) {
      throw hunkError(
        lineNumber + (index - start),
        `Unexpected line in update chunk: '${line}'. Every line must start with ' ' (context), '+' (added) or '-' (removed)`,
      );
    } else {
      break; // the start of the next chunk or hunk
    }
    bodyLines++;
  }
  return { chunk, consumed: index - start };
}
