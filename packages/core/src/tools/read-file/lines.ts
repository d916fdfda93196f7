import type { FileHandle } from "node:fs/promises";

export type ScannedLine = {
  /** 1-based line number. */
  number: number;
  /** The start of the line, at most `maxLineBytes` bytes, without the line break. */
  bytes: Buffer;
  /** Length of the whole line in bytes, without the line break. */
  fullBytes: number;
};

export type ScanOptions = {
  /** Lines before this 1-based line are counted but never handed to `visit`. */
  firstLine: number;
  /** Bytes kept of each line; the rest is only measured, so one huge line costs no memory. */
  maxLineBytes: number;
  /** Once `visit` stops, lines are counted on until this many bytes were read in all. */
  countUpToBytes: number;
  signal?: AbortSignal;
  chunkBytes?: number;
};

export type ScanResult = {
  /** Lines counted: all of them when `complete`, else how many were seen before counting stopped. */
  lines: number;
  complete: boolean;
  aborted: boolean;
};

/**
 * Streams a file line by line (LF or CRLF) without holding more than a chunk and one clipped line.
 * `visit` sees each line from `firstLine` on until it returns "stop"; after that lines are only
 * counted.
 */
export async function scanLines(
  file: FileHandle,
  options: ScanOptions,
  visit: (line: ScannedLine) => "continue" | "stop",
): Promise<ScanResult> {
  const chunk = Buffer.allocUnsafe(options.chunkBytes ?? 64 * 1024);
  let lineNumber = 1;
  let lineBytes = 0;
  let kept: Buffer[] = [];
  let keptBytes = 0;
  let visiting = true;
  let bytesRead = 0;

  const finishLine = () => {
    if (visiting && lineNumber >= options.firstLine) {
      let bytes = Buffer.concat(kept, keptBytes);
      let fullBytes = lineBytes;
      if (fullBytes === keptBytes && bytes[bytes.length - 1] === 0x0d) {
        bytes = bytes.subarray(0, bytes.length - 1);
        fullBytes--;
      }
      if (visit({ number: lineNumber, bytes, fullBytes }) === "stop") visiting = false;
    }
    lineNumber++;
    lineBytes = 0;
    kept = [];
    keptBytes = 0;
  };

  for (;;) {
    if (options.signal?.aborted) return { lines: lineNumber - 1, complete: false, aborted: true };
    if (!visiting && bytesRead >= options.countUpToBytes) {
      return { lines: lineNumber - 1, complete: false, aborted: false };
    }
    const { bytesRead: n } = await file.read(chunk, 0, chunk.length, null);
    if (n === 0) break;
    bytesRead += n;
    const data = chunk.subarray(0, n);
    let pos = 0;
    while (pos < n) {
      const newline = data.indexOf(0x0a, pos);
      const end = newline === -1 ? n : newline;
      if (visiting && lineNumber >= options.firstLine && keptBytes < options.maxLineBytes) {
        const piece = data.subarray(pos, Math.min(end, pos + options.maxLineBytes - keptBytes));
        kept.push(Buffer.from(piece)); // copy: the chunk buffer is reused
        keptBytes += piece.length;
      }
      lineBytes += end - pos;
      if (newline === -1) break;
      finishLine();
      pos = newline + 1;
    }
  }
  // A last line without a trailing newline still counts.
  if (lineBytes > 0) finishLine();
  return { lines: lineNumber - 1, complete: true, aborted: false };
}
