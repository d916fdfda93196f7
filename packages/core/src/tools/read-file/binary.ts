/** How many bytes from the start of a file decide whether it is text. */
export const BINARY_SAMPLE_BYTES = 8 * 1024;

/** Share of characters that may fail to decode as UTF-8 before a sample counts as binary. */
const MAX_INVALID_SHARE = 0.1;

/**
 * Whether a sample from the start of a file looks binary: it holds a NUL byte, or too much of it is
 * not valid UTF-8 (a few stray bytes, as in a Latin-1 text, still pass).
 */
export function looksBinary(sample: Buffer): boolean {
  if (sample.length === 0) return false;
  if (sample.includes(0)) return true;
  // Drop a character cut off by the end of the sample, so it does not count as invalid.
  const text = sample.subarray(0, completeLength(sample)).toString("utf8");
  let invalid = 0;
  for (let at = text.indexOf("\ufffd"); at !== -1; at = text.indexOf("\ufffd", at + 1)) invalid++;
  return invalid > 0 && invalid / text.length > MAX_INVALID_SHARE;
}

/** Length of `bytes` without a trailing, incomplete UTF-8 sequence. */
function completeLength(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back]!;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? bytes.length - back : bytes.length;
  }
  return bytes.length;
}
