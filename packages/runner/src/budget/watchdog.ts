import type { Clock } from "@nightshift/core";

/**
 * Wakes the runner at a moment of working time (the deadline, or when the fee would use up the
 * budget) even in the middle of a long tool call. Re-armed whenever the moment moves.
 */
export class Watchdog {
  #abort: AbortController | null = null;

  constructor(private readonly clock: Clock) {}

  /** Calls `fire` once `delayMs` from now has passed, unless re-armed or stopped before. */
  arm(delayMs: number, fire: () => void): void {
    this.stop();
    if (!Number.isFinite(delayMs)) return;
    const abort = new AbortController();
    this.#abort = abort;
    this.clock.sleep(Math.max(0, delayMs), abort.signal).then(
      () => {
        if (!abort.signal.aborted) fire();
      },
      () => {},
    );
  }

  stop(): void {
    this.#abort?.abort();
    this.#abort = null;
  }
}
