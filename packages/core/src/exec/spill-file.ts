import fs from "node:fs";

/** Default ceiling for a spill file: enough for any log worth reading, small enough for any disk. */
export const DEFAULT_SPILL_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Streams a command's full output to a file, up to `maxBytes`. Writes are synchronous so the
 * data never queues up in our memory, whatever the command's pace.
 *
 * It never throws after it is open: writes run inside a stream's data listener, where an
 * exception would take the whole process down. A failed write (a full disk, ENOSPC; EIO...)
 * closes the file and stops the spilling; `error` says what happened, so the caller can tell the
 * reader that the file is incomplete.
 */
export class SpillFile {
  private fd: number | null;
  private written = 0;
  private capped = false;
  private failure: Error | null = null;

  constructor(
    readonly filePath: string,
    private readonly maxBytes: number = DEFAULT_SPILL_MAX_BYTES,
  ) {
    this.fd = fs.openSync(filePath, "w", 0o600);
  }

  /** Why spilling stopped early (the file holds only part of the output), or null. */
  get error(): Error | null {
    return this.failure;
  }

  write(chunk: Uint8Array): void {
    if (this.fd === null || this.capped) return;
    const room = this.maxBytes - this.written;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    try {
      fs.writeSync(this.fd, part);
      this.written += part.length;
      if (chunk.length > room) {
        this.capped = true;
        fs.writeSync(this.fd, `\n[... output truncated: spill file capped at ${this.maxBytes} bytes ...]\n`);
      }
    } catch (err) {
      this.failure = err instanceof Error ? err : new Error(String(err));
      this.close();
    }
  }

  close(): void {
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    try {
      fs.closeSync(fd);
    } catch (err) {
      this.failure ??= err instanceof Error ? err : new Error(String(err));
    }
  }
}
