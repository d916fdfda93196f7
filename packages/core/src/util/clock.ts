/** Time as the engine sees it; tests pass their own. */
export type Clock = {
  now(): number;
  /** Resolves after `ms`, or rejects when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Calls `fire` once this clock's time has moved `ms` forward; returns a cancel function. A test
   * clock whose short sleeps pass at once (back-offs) must still keep timers until their time.
   * Absent: timers are made from `sleep`.
   */
  startTimer?(ms: number, fire: () => void): () => void;
};

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason ?? new Error("aborted"));
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason ?? new Error("aborted"));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};

/**
 * Calls `fire` once `ms` have passed on `clock` (the engine's timers: idle timeouts, process
 * supervision, terminal yields); returns a function that cancels it. On an injected clock the timer
 * fires when that clock's time does, so tests run hours of timeouts in no real time.
 */
export function startTimer(clock: Clock, ms: number, fire: () => void): () => void {
  if (clock === systemClock) {
    const handle = setTimeout(fire, ms);
    return () => clearTimeout(handle);
  }
  if (clock.startTimer) return clock.startTimer(ms, fire);
  const cancel = new AbortController();
  clock.sleep(ms, cancel.signal).then(
    () => {
      if (!cancel.signal.aborted) fire();
    },
    () => {},
  );
  return () => cancel.abort();
}
