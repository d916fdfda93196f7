import fs from "node:fs";
import path from "node:path";

/** Prompts remembered across sessions (the file keeps at most this many when it is rewritten). */
const MAX_ENTRIES = 1_000;
/** A prompt longer than this is not remembered (a huge paste would bloat the file). */
const MAX_ENTRY_CHARS = 20_000;

/**
 * The prompts typed in this home, oldest first, for up/down recall: `history.jsonl` under the
 * nightshift home, one `{"ts","text"}` line per prompt, appended as they are sent.
 */
export class PromptHistory {
  readonly #file: string;
  readonly #now: () => Date;
  #entries: string[];

  constructor(home: string, now: () => Date) {
    this.#file = path.join(home, "history.jsonl");
    this.#now = now;
    this.#entries = read(this.#file);
  }

  get entries(): readonly string[] {
    return this.#entries;
  }

  /** Remembers a prompt (not a repeat of the last one). A write problem is returned, not thrown. */
  add(text: string): string | null {
    if (text.trim() === "" || text.length > MAX_ENTRY_CHARS) return null;
    if (this.#entries.at(-1) === text) return null;
    this.#entries = [...this.#entries, text].slice(-MAX_ENTRIES);
    try {
      fs.mkdirSync(path.dirname(this.#file), { recursive: true, mode: 0o700 });
      fs.appendFileSync(this.#file, `${JSON.stringify({ ts: this.#now().toISOString(), text })}\n`, {
        mode: 0o600,
      });
      return null;
    } catch (err) {
      return `could not save the prompt history to ${this.#file}: ${(err as Error).message}`;
    }
  }
}

function read(file: string): string[] {
  let raw: string;
  try {
    raw = fs.readFileSync(file, "utf8");
  } catch {
    return [];
  }
  const entries: string[] = [];
  for (const line of raw.split("\n")) {
    if (!line) continue;
    try {
      const parsed = JSON.parse(line) as { text?: unknown };
      if (typeof parsed.text === "string") entries.push(parsed.text);
    } catch {
      // A torn line is skipped.
    }
  }
  return entries.slice(-MAX_ENTRIES);
}
