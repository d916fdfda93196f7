import os from "node:os";

/**
 * Sends `signal` to a child's whole process group, and, while the child is known to be alive, to
 * the child itself: right after the start it may not lead its own group yet. Once the child has
 * been reaped its pid may belong to someone else, so pass `childAlive: false` then.
 */
export function signalProcessGroup(pid: number | undefined, signal: NodeJS.Signals, childAlive = true): void {
  if (pid === undefined) return;
  for (const target of childAlive ? [-pid, pid] : [-pid]) {
    try {
      process.kill(target, signal);
    } catch {
      // Already gone.
    }
  }
}

/** "SIGTERM" for 15, and so on. */
export function signalName(signal: number): string {
  const entry = Object.entries(os.constants.signals).find(([, value]) => value === signal);
  return entry ? entry[0] : `SIG${signal}`;
}
