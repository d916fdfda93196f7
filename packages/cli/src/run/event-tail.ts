import fs from "node:fs";
import path from "node:path";
import type { RunEvent } from "@nightshift/runner";

const NEWLINE = 0x0a;

/**
 * Follows a run's events.jsonl as another process appends to it: each read returns the whole
 * lines written since the last one; a partial last line waits for its end, and a line torn by a
 * kill (the runner ends it before writing the next) is skipped.
 */
export class EventTail {
  #offset = 0;
  #rest: Buffer = Buffer.alloc(0);

  constructor(readonly file: string) {}

  read(): RunEvent[] {
    let fd: number;
    try {
      fd = fs.openSync(this.file, "r");
    } catch {
      return []; // not written yet
    }
    const chunks: Buffer[] = [this.#rest];
    try {
      const size = fs.fstatSync(fd).size;
      if (size < this.#offset) {
        // Replaced by a shorter file: start over.
        this.#offset = 0;
        chunks.length = 0;
      }
      while (this.#offset < size) {
        const chunk = Buffer.alloc(Math.min(1 << 16, size - this.#offset));
        const n = fs.readSync(fd, chunk, 0, chunk.length, this.#offset);
        if (n === 0) break;
        chunks.push(chunk.subarray(0, n));
        this.#offset += n;
      }
    } finally {
      fs.closeSync(fd);
    }
    const buffer = Buffer.concat(chunks);
    const end = buffer.lastIndexOf(NEWLINE);
    this.#rest = buffer.subarray(end + 1);
    if (end < 0) return [];
    const events: RunEvent[] = [];
    for (const line of buffer.subarray(0, end).toString("utf8").split("\n")) {
      if (line.trim() === "") continue;
      try {
        const event = JSON.parse(line) as RunEvent;
        if (event && typeof event === "object" && typeof event.type === "string") events.push(event);
      } catch {
        // torn by a kill
      }
    }
    return events;
  }

  /** Calls `changed` whenever something in the run's folder changes; returns how to stop. */
  watch(changed: () => void): () => void {
    let watcher: fs.FSWatcher | null = null;
    try {
      watcher = fs.watch(path.dirname(this.file), { persistent: false }, () => changed());
      watcher.on("error", () => {}); // the caller also polls every second
    } catch {
      // no inotify (or the folder went away): the caller's polling is enough
    }
    return () => watcher?.close();
  }
}
