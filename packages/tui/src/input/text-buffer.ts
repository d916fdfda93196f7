/** The prompt's text and where the cursor is (an index into `text`). Every edit returns a new one. */
export type TextBuffer = { readonly text: string; readonly cursor: number };

export const EMPTY: TextBuffer = { text: "", cursor: 0 };

export const bufferOf = (text: string): TextBuffer => ({ text, cursor: text.length });

export function insert(b: TextBuffer, text: string): TextBuffer {
  return { text: b.text.slice(0, b.cursor) + text + b.text.slice(b.cursor), cursor: b.cursor + text.length };
}

export function backspace(b: TextBuffer): TextBuffer {
  if (b.cursor === 0) return b;
  const start = b.cursor - charBefore(b.text, b.cursor);
  return { text: b.text.slice(0, start) + b.text.slice(b.cursor), cursor: start };
}

export function deleteForward(b: TextBuffer): TextBuffer {
  if (b.cursor >= b.text.length) return b;
  const end = b.cursor + charAfter(b.text, b.cursor);
  return { text: b.text.slice(0, b.cursor) + b.text.slice(end), cursor: b.cursor };
}

export function left(b: TextBuffer): TextBuffer {
  return { ...b, cursor: b.cursor - charBefore(b.text, b.cursor) };
}

export function right(b: TextBuffer): TextBuffer {
  return { ...b, cursor: Math.min(b.text.length, b.cursor + charAfter(b.text, b.cursor)) };
}

/** Start of the cursor's line. */
export function lineStart(b: TextBuffer): TextBuffer {
  return { ...b, cursor: b.text.lastIndexOf("\n", b.cursor - 1) + 1 };
}

/** End of the cursor's line. */
export function lineEnd(b: TextBuffer): TextBuffer {
  const end = b.text.indexOf("\n", b.cursor);
  return { ...b, cursor: end === -1 ? b.text.length : end };
}

/** Row and column of the cursor, and how many rows there are. */
export function position(b: TextBuffer): { row: number; col: number; rows: number } {
  const before = b.text.slice(0, b.cursor);
  const row = before.split("\n").length - 1;
  const col = b.cursor - (before.lastIndexOf("\n") + 1);
  return { row, col, rows: b.text.split("\n").length };
}

/** One row up (same column, or the end of a shorter row); null on the first row. */
export function up(b: TextBuffer): TextBuffer | null {
  const { row, col } = position(b);
  if (row === 0) return null;
  return moveToRow(b, row - 1, col);
}

/** One row down; null on the last row. */
export function down(b: TextBuffer): TextBuffer | null {
  const { row, col, rows } = position(b);
  if (row === rows - 1) return null;
  return moveToRow(b, row + 1, col);
}

function moveToRow(b: TextBuffer, row: number, col: number): TextBuffer {
  const lines = b.text.split("\n");
  let cursor = 0;
  for (let i = 0; i < row; i++) cursor += lines[i]!.length + 1;
  return { ...b, cursor: cursor + Math.min(col, lines[row]!.length) };
}

/** Deletes from the start of the line to the cursor (Ctrl-U). */
export function killToLineStart(b: TextBuffer): TextBuffer {
  const start = lineStart(b).cursor;
  if (start === b.cursor && start > 0) return backspace(b);
  return { text: b.text.slice(0, start) + b.text.slice(b.cursor), cursor: start };
}

/** Deletes from the cursor to the end of the line (Ctrl-K). */
export function killToLineEnd(b: TextBuffer): TextBuffer {
  const end = lineEnd(b).cursor;
  if (end === b.cursor) return deleteForward(b);
  return { text: b.text.slice(0, b.cursor) + b.text.slice(end), cursor: b.cursor };
}

/** Deletes the word before the cursor (Ctrl-W, Alt-Backspace). */
export function deleteWordBefore(b: TextBuffer): TextBuffer {
  const start = wordLeft(b).cursor;
  return { text: b.text.slice(0, start) + b.text.slice(b.cursor), cursor: start };
}

export function wordLeft(b: TextBuffer): TextBuffer {
  let i = b.cursor;
  while (i > 0 && /\s/.test(b.text[i - 1]!)) i--;
  while (i > 0 && !/\s/.test(b.text[i - 1]!)) i--;
  return { ...b, cursor: i };
}

export function wordRight(b: TextBuffer): TextBuffer {
  let i = b.cursor;
  while (i < b.text.length && /\s/.test(b.text[i]!)) i++;
  while (i < b.text.length && !/\s/.test(b.text[i]!)) i++;
  return { ...b, cursor: i };
}

/** The whitespace-delimited word the cursor is in or right after, with where it starts. */
export function wordAtCursor(b: TextBuffer): { word: string; start: number } {
  let start = b.cursor;
  while (start > 0 && !/\s/.test(b.text[start - 1]!)) start--;
  let end = b.cursor;
  while (end < b.text.length && !/\s/.test(b.text[end]!)) end++;
  return { word: b.text.slice(start, end), start };
}

/** Replaces the word at the cursor with `text`, the cursor after it. */
export function replaceWordAtCursor(b: TextBuffer, text: string): TextBuffer {
  const { word, start } = wordAtCursor(b);
  const rest = b.text.slice(start + word.length);
  return { text: b.text.slice(0, start) + text + rest, cursor: start + text.length };
}

/** UTF-16 units of the character before `index` (a surrogate pair counts as one character). */
function charBefore(text: string, index: number): number {
  if (index <= 0) return 0;
  const code = text.charCodeAt(index - 1);
  return code >= 0xdc00 && code <= 0xdfff && index >= 2 ? 2 : 1;
}

function charAfter(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code >= 0xd800 && code <= 0xdbff && index + 1 < text.length ? 2 : 1;
}
