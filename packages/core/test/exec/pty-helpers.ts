import type { PtySession, YieldTimer } from "../../src/exec/pty-sessions.js";

type Armed = { ms: number; fire: () => void; done: boolean };

/** A yield timer the test fires by hand, so no result depends on how fast the machine is. */
export function manualTimer() {
  const armed: Armed[] = [];
  let onArm: (() => void) | null = null;
  const timer: YieldTimer = (ms, fire) => {
    const entry: Armed = { ms, fire, done: false };
    armed.push(entry);
    onArm?.();
    return () => {
      entry.done = true;
    };
  };
  return {
    timer,
    /** Every yield time asked for, in order. */
    requested: () => armed.map((entry) => entry.ms),
    /** Timers armed and neither fired nor cancelled. */
    pending: () => armed.filter((entry) => !entry.done).length,
    /** Fires the pending timer, waiting for one to be armed if there is none yet. */
    async fire(): Promise<void> {
      let entry = armed.find((candidate) => !candidate.done);
      while (!entry) {
        await new Promise<void>((resolve) => {
          onArm = resolve;
        });
        onArm = null;
        entry = armed.find((candidate) => !candidate.done);
      }
      entry.done = true;
      entry.fire();
    },
  };
}

/** Resolves once `session` printed `text` (counting from now). */
export function outputUntil(session: PtySession, text: string | RegExp): Promise<string> {
  let seen = "";
  return new Promise((resolve) => {
    const off = session.onData((chunk) => {
      seen += chunk;
      if (typeof text === "string" ? seen.includes(text) : text.test(seen)) {
        off();
        resolve(seen);
      }
    });
  });
}
