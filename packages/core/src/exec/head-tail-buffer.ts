/**
 * Keeps the first and the last bytes of a stream of unknown length in bounded memory.
 *
 * Half of `capacity` holds the head (filled once), the other half is a ring that always holds the
 * most recent bytes. Everything in between is only counted, so a command printing gigabytes costs
 * `capacity` bytes of memory and nothing more. Memory is taken as output arrives: the head grows
 * by doubling and the ring is allocated when the head is full, so the many commands that print a
 * few lines cost a few kilobytes, not `capacity`.
 */
export class HeadTailBuffer {
  private head: Buffer = Buffer.alloc(0);
  private headLength = 0;
  private readonly headCapacity: number;
  private readonly tailCapacity: number;
  private tail: Buffer | null = null;
  /** Next write position in the ring. */
  private tailStart = 0;
  private tailLength = 0;
  private total = 0;
  private newlines = 0;
  private lastByte = -1;

  constructor(capacity: number) {
    const size = Math.max(2, Math.floor(capacity));
    this.headCapacity = Math.floor(size / 2);
    this.tailCapacity = size - this.headCapacity;
  }

  get totalBytes(): number {
    return this.total;
  }

  /** Lines in everything written, kept or not (a final line without a newline counts). */
  get totalLines(): number {
    return this.newlines + (this.total > 0 && this.lastByte !== 0x0a ? 1 : 0);
  }

  /** Bytes seen but not kept. */
  get droppedBytes(): number {
    return this.total - this.headLength - this.tailLength;
  }

  write(chunk: Uint8Array): void {
    this.total += chunk.length;
    if (chunk.length > 0) {
      for (let at = chunk.indexOf(0x0a); at !== -1; at = chunk.indexOf(0x0a, at + 1)) this.newlines++;
      this.lastByte = chunk[chunk.length - 1]!;
    }
    let rest = chunk;
    if (this.headLength < this.headCapacity) {
      const take = Math.min(rest.length, this.headCapacity - this.headLength);
      this.growHead(this.headLength + take);
      this.head.set(rest.subarray(0, take), this.headLength);
      this.headLength += take;
      rest = rest.subarray(take);
    }
    if (rest.length > 0) this.writeTail(rest);
  }

  private growHead(needed: number): void {
    if (needed <= this.head.length) return;
    const size = Math.min(this.headCapacity, Math.max(needed, this.head.length * 2, 4096));
    const grown = Buffer.alloc(size);
    this.head.copy(grown, 0, 0, this.headLength);
    this.head = grown;
  }

  private writeTail(chunk: Uint8Array): void {
    this.tail ??= Buffer.alloc(this.tailCapacity);
    const ring = this.tail;
    const data = chunk.length > ring.length ? chunk.subarray(chunk.length - ring.length) : chunk;
    const firstPart = Math.min(data.length, ring.length - this.tailStart);
    ring.set(data.subarray(0, firstPart), this.tailStart);
    ring.set(data.subarray(firstPart), 0);
    this.tailStart = (this.tailStart + data.length) % ring.length;
    this.tailLength = Math.min(ring.length, this.tailLength + data.length);
  }

  private tailBytes(): Buffer {
    if (!this.tail) return Buffer.alloc(0);
    if (this.tailLength < this.tail.length) return this.tail.subarray(0, this.tailLength);
    return Buffer.concat([this.tail.subarray(this.tailStart), this.tail.subarray(0, this.tailStart)]);
  }

  /** The kept text; when bytes were dropped, a marker says how many. Cuts fall on UTF-8 boundaries. */
  toString(): string {
    const head = this.head.subarray(0, this.headLength);
    const tail = this.tailBytes();
    const dropped = this.droppedBytes;
    if (dropped === 0) return Buffer.concat([head, tail]).toString("utf8");
    const headKept = head.subarray(0, completeUtf8Prefix(head));
    const tailKept = tail.subarray(utf8StartOffset(tail));
    const omitted = this.total - headKept.length - tailKept.length;
    return `${headKept.toString("utf8")}\n[... ${omitted} bytes of output omitted ...]\n${tailKept.toString("utf8")}`;
  }
}

/** Length of the longest prefix of `bytes` that does not end inside a multi-byte character. */
function completeUtf8Prefix(bytes: Buffer): number {
  let i = bytes.length;
  // Walk back over at most 3 continuation bytes to the lead byte of the last character.
  let back = 0;
  while (back < 3 && i - back - 1 >= 0 && (bytes[i - back - 1]! & 0xc0) === 0x80) back++;
  const leadIndex = i - back - 1;
  if (leadIndex < 0) return 0;
  const lead = bytes[leadIndex]!;
  const needed = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  if (back + 1 < needed) i = leadIndex;
  return i;
}

/** Offset of the first byte that starts a character (skips continuation bytes cut off at the front). */
function utf8StartOffset(bytes: Buffer): number {
  let i = 0;
  while (i < 3 && i < bytes.length && (bytes[i]! & 0xc0) === 0x80) i++;
  return i;
}
