type Pending = { at: number; resolve: () => void };

/**
 * A clock that moves only when told, for tests of timeouts, deadlines and schedules: hours pass in
 * no real time. It has the shape of nightshift's `Clock` (`now`, `sleep`). Waits up to
 * `autoAdvanceMs` (default 0: none) pass at once, moving the clock, which suits short retry
 * back-offs in tests about something else; longer ones wait for `advance`. Timers (`startTimer`:
 * idle timeouts, process supervision) never pass early: they fire when `advance` reaches them.
 */
export class ManualClock {
  #now: number;
  #pending: Pending[] = [];
  readonly #autoAdvanceMs: number;

  constructor(options: { start?: number; autoAdvanceMs?: number } = {}) {
    this.#now = options.start ?? Date.UTC(2026, 4, 1, 20, 0, 0);
    this.#autoAdvanceMs = options.autoAdvanceMs ?? 0;
  }

  now(): number {
    return this.#now;
  }

  startTimer(ms: number, fire: () => void): () => void {
    const pending: Pending = { at: this.#now + Math.max(0, ms), resolve: fire };
    this.#pending.push(pending);
    return () => {
      this.#pending = this.#pending.filter((p) => p !== pending);
    };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason ?? new Error("aborted"));
    if (ms <= this.#autoAdvanceMs) {
      this.#now += Math.max(0, ms);
      return new Promise((resolve) => setImmediate(resolve));
    }
    return new Promise((resolve, reject) => {
      const pending: Pending = { at: this.#now + Math.max(0, ms), resolve };
      this.#pending.push(pending);
      signal?.addEventListener(
        "abort",
        () => {
          this.#pending = this.#pending.filter((p) => p !== pending);
          reject(signal.reason ?? new Error("aborted"));
        },
        { once: true },
      );
    });
  }

  /** How many waits are pending (a test can wait until the code under test has started one). */
  get pending(): number {
    return this.#pending.length;
  }

  /** Moves time forward and wakes every wait that is due, earliest first. */
  advance(ms: number): void {
    this.#now += ms;
    const due = this.#pending.filter((p) => p.at <= this.#now).sort((a, b) => a.at - b.at);
    this.#pending = this.#pending.filter((p) => p.at > this.#now);
    for (const pending of due) pending.resolve();
  }
}
