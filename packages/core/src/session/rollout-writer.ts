import fs from "node:fs";
import path from "node:path";
import type { RolloutLineType, RolloutPayload } from "./rollout-types.js";
import { makeDirectory, StorageError } from "./storage-error.js";
import type { SessionLog } from "./store.js";

/**
 * Appends JSONL lines to a session's rollout file. Every write is synchronous and reaches the
 * kernel before the caller acts on the item, so a killed process loses nothing it acted on.
 */
export class RolloutWriter implements SessionLog {
  readonly path: string;
  #fd: number | null;
  readonly #now: () => Date;

  /** Set once a write failed: a line may be torn, so nothing more is appended in this process. */
  #broken: StorageError | null = null;

  constructor(filePath: string, now: () => Date) {
    this.path = filePath;
    this.#now = now;
    try {
      makeDirectory(path.dirname(filePath));
      this.#fd = fs.openSync(filePath, "a+", 0o600);
      // A process killed mid-write leaves a torn last line; end it so the next line stays whole.
      if (!endsWithNewline(this.#fd)) writeFully(this.#fd, "\n");
    } catch (err) {
      throw new StorageError("open the session file", filePath, err);
    }
  }

  append<T extends RolloutLineType>(type: T, payload: RolloutPayload<T>): void {
    if (this.#broken) throw this.#broken;
    if (this.#fd === null) throw new Error(`rollout ${this.path} is closed`);
    const line = `${JSON.stringify({ timestamp: this.#now().toISOString(), type, payload })}\n`;
    try {
      writeFully(this.#fd, line);
    } catch (err) {
      this.#broken = new StorageError("write the session file", this.path, err);
      throw this.#broken;
    }
  }

  /** Flushes to disk; called at turn boundaries (a crash of the machine, not just the process). */
  sync(): void {
    if (this.#fd === null || this.#broken) return;
    try {
      fs.fsyncSync(this.#fd);
    } catch (err) {
      this.#broken = new StorageError("flush the session file", this.path, err);
      throw this.#broken;
    }
  }

  close(): void {
    if (this.#fd === null) return;
    try {
      fs.closeSync(this.#fd);
    } catch {
      // Closing after a failed write can fail again; the descriptor is gone either way.
    }
    this.#fd = null;
  }
}

function endsWithNewline(fd: number): boolean {
  const size = fs.fstatSync(fd).size;
  if (size === 0) return true;
  const last = Buffer.alloc(1);
  fs.readSync(fd, last, 0, 1, size - 1);
  return last[0] === 0x0a;
}

/** Writes all of `text`, looping over short writes; throws (e.g. ENOSPC) rather than tear a line silently. */
function writeFully(fd: number, text: string): void {
  const bytes = Buffer.from(text, "utf8");
  let offset = 0;
  while (offset < bytes.length) offset += fs.writeSync(fd, bytes, offset, bytes.length - offset);
}

/** `$home/sessions/YYYY/MM/DD/rollout-YYYY-MM-DDThh-mm-ss-<id>.jsonl` */
export function rolloutPathFor(home: string, id: string, date: Date): string {
  const iso = date.toISOString();
  const [day] = iso.split("T");
  const [year, month, dd] = day!.split("-");
  const stamp = iso.slice(0, 19).replace(/:/g, "-");
  return path.join(home, "sessions", year!, month!, dd!, `rollout-${stamp}-${id}.jsonl`);
}
