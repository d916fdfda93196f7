import os from "node:os";

/**
 * Sends `signal` to a child's whole process group, and to the child itself: right after the start
 * the child may not lead its own group yet, and then only the pid reaches it.
 */
export function signalProcessGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  for (const target of [-pid, pid]) {
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
