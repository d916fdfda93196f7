import type { Clock } from "@nightshift/core";

/**
 * The run's working time: what earlier processes persisted plus this process's time since it
 * took over. Time while no process worked on the run (killed, rebooted) is neither billed nor
 * counted against `--hours`.
 */
export class ActiveTime {
  readonly #base: number;
  readonly #since: number;

  constructor(
    private readonly clock: Clock,
    baseMs: number,
  ) {
    this.#base = baseMs;
    this.#since = clock.now();
  }

  elapsedMs(): number {
    return this.#base + Math.max(0, this.clock.now() - this.#since);
  }

  /** Seconds into the run, to the millisecond. */
  atS(): number {
    return Math.round(this.elapsedMs()) / 1000;
  }
}

/** How long a step (a request and its tool calls) takes: the recent worst case, at least `floorMs`. */
export class StepTimer {
  readonly #gaps: number[] = [];
  #last: number | null = null;

  constructor(private readonly floorMs = 30_000) {}

  /** Marks the start of a request at `elapsedMs`. */
  mark(elapsedMs: number): void {
    if (this.#last !== null) {
      this.#gaps.push(elapsedMs - this.#last);
      if (this.#gaps.length > 5) this.#gaps.shift();
    }
    this.#last = elapsedMs;
  }

  /** A new turn starts after work of the runner's own (checks, checkpoints): not a model step. */
  pause(): void {
    this.#last = null;
  }

  estimateMs(): number {
    return Math.max(this.floorMs, ...this.#gaps);
  }
}
