import type { Timers } from "../../src/index.js";

/** Timers whose sleeps return at once, moving a manual clock; every wait is recorded. */
export function manualTimers(
  start = 1_700_000_000_000,
): Timers & { sleeps: number[]; advance(ms: number): void } {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    random: () => 0,
    advance(ms) {
      now += ms;
    },
    async sleep(ms, signal) {
      if (signal?.aborted) throw signal.reason;
      sleeps.push(ms);
      now += ms;
    },
  };
}
