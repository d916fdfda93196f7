/** Where `--oss` setup reports what it does. */
export type OssReporter = {
  /** A finished line of output. */
  line(text: string): void;
  /** A status line redrawn in place; absent when the output is not a terminal. */
  status?: (text: string) => void;
};

/** A reporter for a stream: an in-place bar on a terminal, plain lines otherwise. */
export function streamReporter(stream: { write(text: string): unknown; isTTY?: boolean }): OssReporter {
  if (!stream.isTTY) return { line: (text) => stream.write(`${text}\n`) };
  let drawing = false;
  return {
    line(text) {
      stream.write(`${drawing ? "\n" : ""}${text}\n`);
      drawing = false;
    },
    status(text) {
      stream.write(`\r${text}\x1b[K`);
      drawing = true;
    },
  };
}

export function toReporter(progress: ((line: string) => void) | OssReporter): OssReporter {
  return typeof progress === "function" ? { line: progress } : progress;
}

const BAR_WIDTH = 24;
/** Without a terminal, a line every this many percent. */
const LINE_STEP_PERCENT = 10;

/**
 * Renders the NDJSON progress of `ollama pull`: a bar of bytes over all layers seen so far (the
 * percentage never goes back when a new layer shows up), and the other phases as they come.
 */
export class PullProgress {
  readonly #layers = new Map<string, { total: number; completed: number }>();
  #shownPercent = 0;
  #lastLinePercent = -LINE_STEP_PERCENT;
  #lastStatus = "";

  constructor(
    private readonly model: string,
    private readonly reporter: OssReporter,
  ) {}

  update(event: Record<string, unknown>): void {
    const status = typeof event.status === "string" ? event.status : "";
    const digest = typeof event.digest === "string" ? event.digest : "";
    if (digest && typeof event.total === "number" && event.total > 0) {
      const completed = typeof event.completed === "number" ? event.completed : 0;
      this.#layers.set(digest, { total: event.total, completed: Math.min(completed, event.total) });
      this.#showBar();
      return;
    }
    if (!status || status === this.#lastStatus) return;
    this.#lastStatus = status;
    if (status !== "success") this.reporter.line(`  ${status}`);
  }

  #showBar(): void {
    let total = 0;
    let completed = 0;
    for (const layer of this.#layers.values()) {
      total += layer.total;
      completed += layer.completed;
    }
    this.#shownPercent = Math.max(this.#shownPercent, Math.floor((completed / total) * 100));
    const percent = this.#shownPercent;
    const filled = Math.round((percent / 100) * BAR_WIDTH);
    const text = `pulling ${this.model} [${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}] ${String(percent).padStart(3)}% ${formatBytes(completed)}/${formatBytes(total)}`;
    if (this.reporter.status) {
      this.reporter.status(text);
    } else if (percent >= this.#lastLinePercent + LINE_STEP_PERCENT) {
      this.#lastLinePercent = percent - (percent % LINE_STEP_PERCENT);
      this.reporter.line(text);
    }
  }
}

export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
