/**
 * Bounding what the model sees of a tool's output. Budgets are in UTF-8 bytes; token counts are the
 * usual 4-bytes-per-token approximation (no tokenizer: it must be cheap and deterministic).
 */

export const APPROX_BYTES_PER_TOKEN = 4;

/** How a model limits tool output: newer models count tokens, older ones bytes. */
export type TruncationPolicy = { mode: "tokens" | "bytes"; limit: number };

export const DEFAULT_TRUNCATION_POLICY: TruncationPolicy = { mode: "tokens", limit: 10_000 };

/** The byte budget a policy allows. */
export function outputBudgetBytes(policy: TruncationPolicy): number {
  const limit = Math.max(0, Math.floor(policy.limit));
  return policy.mode === "tokens" ? limit * APPROX_BYTES_PER_TOKEN : limit;
}

/** 40,000 bytes: 10k tokens, the budget for current models. */
export const DEFAULT_OUTPUT_BUDGET_BYTES = outputBudgetBytes(DEFAULT_TRUNCATION_POLICY);

export function approxTokens(text: string): number {
  return Math.ceil(Buffer.byteLength(text, "utf8") / APPROX_BYTES_PER_TOKEN);
}

export type TruncateResult = { text: string; truncated: boolean; removedTokens: number };

/** A cut moves to a nearby line break when one lies within this share of its part (capped). */
const LINE_SNAP_FRACTION = 0.25;
const LINE_SNAP_MAX_BYTES = 2_048;

export function truncationMarker(removedTokens: number): string {
  return `…${removedTokens} tokens truncated…`;
}

/**
 * Keeps about half the budget from the start and the rest from the end, with a marker line in
 * between. Cuts fall on UTF-8 character boundaries, and on line breaks when one is close. The
 * result exceeds the budget by at most the marker line (marker plus two newlines).
 */
export function truncateMiddle(text: string, budgetBytes: number, alreadyRemovedBytes = 0): TruncateResult {
  const budget = Math.max(0, Math.floor(budgetBytes));
  // A UTF-16 code unit never takes more than 3 UTF-8 bytes: skip counting for obviously small texts.
  if (text.length * 3 <= budget) return { text, truncated: false, removedTokens: 0 };
  const totalBytes = Buffer.byteLength(text, "utf8");
  if (totalBytes <= budget) return { text, truncated: false, removedTokens: 0 };

  const headBudget = Math.floor(budget / 2);
  const head = headPart(text, headBudget);
  const tail = tailPart(text, budget - headBudget);
  const removedBytes = totalBytes - head.length - tail.length + alreadyRemovedBytes;
  const removedTokens = Math.ceil(removedBytes / APPROX_BYTES_PER_TOKEN);

  const headText = head.toString("utf8");
  const tailText = tail.toString("utf8");
  const before = headText === "" || headText.endsWith("\n") ? "" : "\n";
  const after = tailText === "" ? "" : "\n";
  return {
    text: `${headText}${before}${truncationMarker(removedTokens)}${after}${tailText}`,
    truncated: true,
    removedTokens,
  };
}

/**
 * The middle-truncated text, prefixed with the original line count when anything was cut, so the
 * model knows how much it did not see. When `text` is itself only a capture of a longer output
 * (head and tail of what a command printed), `whole` gives the size of all of it.
 */
export function formatTruncatedOutput(
  text: string,
  budgetBytes: number,
  whole?: { lines: number; bytes: number },
): string {
  const captured = whole ? Buffer.byteLength(text, "utf8") : 0;
  const result = truncateMiddle(text, budgetBytes, whole ? Math.max(0, whole.bytes - captured) : 0);
  if (!result.truncated) return text;
  return `Total output lines: ${whole?.lines ?? countLines(text)}\n\n${result.text}`;
}

/** Lines as a person would count them: a final line without a newline still counts. */
export function countLines(text: string): number {
  if (text === "") return 0;
  let count = 0;
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) count++;
  return text.endsWith("\n") ? count : count + 1;
}

function isContinuationByte(byte: number | undefined): boolean {
  return byte !== undefined && (byte & 0xc0) === 0x80;
}

function snapWindow(partBytes: number): number {
  return Math.min(Math.floor(partBytes * LINE_SNAP_FRACTION), LINE_SNAP_MAX_BYTES);
}

/** At most `maxBytes` bytes from the start of `text`, ending on a character (preferably line) boundary. */
function headPart(text: string, maxBytes: number): Buffer {
  // Each code unit is at least one byte, so this prefix holds enough bytes; +1 keeps a surrogate
  // pair split by the slice past the cut.
  const bytes = Buffer.from(text.slice(0, maxBytes + 1), "utf8");
  let end = Math.min(maxBytes, bytes.length);
  while (end > 0 && isContinuationByte(bytes[end])) end--;
  const windowStart = end - snapWindow(end);
  const newline = bytes.subarray(windowStart, end).lastIndexOf(0x0a);
  if (newline !== -1) end = windowStart + newline + 1;
  return bytes.subarray(0, end);
}

/** At most `maxBytes` bytes from the end of `text`, starting on a character (preferably line) boundary. */
function tailPart(text: string, maxBytes: number): Buffer {
  if (maxBytes === 0) return Buffer.alloc(0);
  const bytes = Buffer.from(text.slice(Math.max(0, text.length - maxBytes - 1)), "utf8");
  let start = Math.max(0, bytes.length - maxBytes);
  while (start < bytes.length && isContinuationByte(bytes[start])) start++;
  // Only snap to a newline that leaves some text behind it.
  const window = snapWindow(bytes.length - start);
  const newline = bytes.subarray(start, start + window).indexOf(0x0a);
  if (newline !== -1 && start + newline + 1 < bytes.length) start = start + newline + 1;
  return bytes.subarray(start);
}

/**
 * One line cut to `maxChars` UTF-16 code units (never splitting a surrogate pair), with a note of
 * its full size. Pass `fullBytes` when `line` is only the start of a longer line.
 */
export function clipLine(
  line: string,
  maxChars: number,
  fullBytes = Buffer.byteLength(line, "utf8"),
): { text: string; clipped: boolean } {
  if (line.length <= maxChars && Buffer.byteLength(line, "utf8") >= fullBytes) {
    return { text: line, clipped: false };
  }
  let end = Math.min(maxChars, line.length);
  const last = line.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return { text: `${line.slice(0, end)}… [line clipped, ${fullBytes} bytes in all]`, clipped: true };
}
