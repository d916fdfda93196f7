import fs from "node:fs";
import path from "node:path";
import type { RolloutLine } from "./rollout-types.js";

type Payload<T extends RolloutLine["type"]> = Extract<RolloutLine, { type: T }>["payload"];

/**
 * Appends JSONL lines to a session's rollout file. Every write is synchronous and reaches the
 * kernel before the caller acts on the item, so a killed process loses nothing it acted on.
 */
export class RolloutWriter {
  readonly path: string;
  #fd: number | null;
  readonly #now: () => Date;

  constructor(filePath: string, now: () => Date) {
    this.path = filePath;
    this.#now = now;
    fs.mkdirSync(path.dirname(filePath), { recursive: true, mode: 0o700 });
    this.#fd = fs.openSync(filePath, "a", 0o600);
  }

  append<T extends RolloutLine["type"]>(type: T, payload: Payload<T>): void {
    if (this.#fd === null) throw new Error(`rollout ${this.path} is closed`);
    const line = `${JSON.stringify({ timestamp: this.#now().toISOString(), type, payload })}\n`;
    fs.writeSync(this.#fd, line);
  }

  /** Flushes to disk; called at turn boundaries (a crash of the machine, not just the process). */
  sync(): void {
    if (this.#fd !== null) fs.fsyncSync(this.#fd);
  }

  close(): void {
    if (this.#fd === null) return;
    fs.closeSync(this.#fd);
    this.#fd = null;
  }
}

/** `$home/sessions/YYYY/MM/DD/rollout-YYYY-MM-DDThh-mm-ss-<id>.jsonl` */
export function rolloutPathFor(home: string, id: string, date: Date): string {
  const iso = date.toISOString();
  const [day] = iso.split("T");
  const [year, month, dd] = day!.split("-");
  const stamp = iso.slice(0, 19).replace(/:/g, "-");
  return path.join(home, "sessions", year!, month!, dd!, `rollout-${stamp}-${id}.jsonl`);
}
