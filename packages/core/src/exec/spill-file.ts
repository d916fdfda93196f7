import fs from "node:fs";

/** Default ceiling for a spill file: enough for any log worth reading, small enough for any disk. */
export const DEFAULT_SPILL_MAX_BYTES = 64 * 1024 * 1024;

/**
 * Streams a command's full output to a file, up to `maxBytes`. Writes are synchronous so the
 * data never queues up in our memory, whatever the command's pace.
 */
export class SpillFile {
  private fd: number | null;
  private written = 0;
  private capped = false;

  constructor(
    readonly filePath: string,
    private readonly maxBytes: number = DEFAULT_SPILL_MAX_BYTES,
  ) {
    this.fd = fs.openSync(filePath, "w", 0o600);
  }

  write(chunk: Uint8Array): void {
    if (this.fd === null || this.capped) return;
    const room = this.maxBytes - this.written;
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    fs.writeSync(this.fd, part);
    this.written += part.length;
    if (chunk.length > room) {
      this.capped = true;
      fs.writeSync(this.fd, `\n[... output truncated: spill file capped at ${this.maxBytes} bytes ...]\n`);
    }
  }

  close(): void {
    if (this.fd === null) return;
    fs.closeSync(this.fd);
    this.fd = null;
  }
}
