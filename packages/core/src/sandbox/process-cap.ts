/**
 * How this machine caps the processes (and threads) of one sandboxed command, so a fork bomb
 * stays inside its own budget:
 *
 * - `rlimit`, for an unprivileged user: `prlimit` sets RLIMIT_NPROC (soft and hard) inside the
 *   sandbox. The sandbox has its own user namespace, so the kernel (5.14 and later) counts only
 *   that sandbox's processes, and the hard limit cannot be raised from inside.
 * - `pid-namespace`, for root: the kernel never applies RLIMIT_NPROC to root (uid 0 of the initial
 *   namespace, whatever namespace it runs in). Instead the command's bwrap starts in a PID
 *   namespace of its own whose `pid_max` (per PID namespace since Linux 6.14: a write to
 *   /proc/sys/kernel/pid_max sets the writer's own namespace's) is set just above the cap: every
 *   process of the sandbox needs a PID there too, so no more than the cap can exist.
 *   `setpriv --pdeathsig KILL` and `unshare --kill-child` keep the tree tied to us, as bwrap's
 *   `--die-with-parent` does. On older kernels the same write would change the host's
 *   `pid_max`, so this is only used from 6.14 on.
 */
export type ProcessCap =
  | { kind: "rlimit"; prlimitPath: string }
  | { kind: "pid-namespace"; unsharePath: string; setprivPath: string; shPath: string };

/** The lowest `pid_max` the kernel accepts (RESERVED_PIDS + 1). */
export const MIN_PID_MAX = 301;

export type FindProcessCapOptions = {
  uid: number | undefined;
  /** `os.release()`. */
  kernelRelease: string;
  /** Finds a trusted system program (see `findSystemProgram`), or null. */
  find: (name: string) => string | null;
};

/** The mechanism this machine supports for us, or null when it has none. */
export function findProcessCap(options: FindProcessCapOptions): ProcessCap | null {
  if (options.uid !== 0) {
    const prlimitPath = options.find("prlimit");
    return prlimitPath ? { kind: "rlimit", prlimitPath } : null;
  }
  if (!kernelAtLeast(options.kernelRelease, 6, 14)) return null;
  const unsharePath = options.find("unshare");
  const setprivPath = options.find("setpriv");
  const shPath = options.find("sh");
  if (!unsharePath || !setprivPath || !shPath) return null;
  return { kind: "pid-namespace", unsharePath, setprivPath, shPath };
}

/**
 * What goes around bwrap (`outer`, before the bwrap program) and around the command (`inner`,
 * after bwrap's `--`) to cap a command at `maxProcesses`.
 */
export function processCapArgv(cap: ProcessCap, maxProcesses: number): { outer: string[]; inner: string[] } {
  if (cap.kind === "rlimit") return { outer: [], inner: [cap.prlimitPath, `--nproc=${maxProcesses}`, "--"] };
  // sh, bwrap, its init and the command's first process also take PIDs below pid_max.
  const pidMax = Math.max(MIN_PID_MAX, maxProcesses + 4);
  // sh stays as the namespace's init and runs bwrap as its child: an init ignores SIGTERM from
  // outside, so bwrap (not an init) is what a stop signal to the process group must reach.
  const setPidMax = 'echo "$0" > /proc/sys/kernel/pid_max && "$@"';
  return {
    outer: [
      cap.setprivPath,
      "--pdeathsig",
      "KILL",
      "--",
      cap.unsharePath,
      "--pid",
      "--fork",
      "--kill-child",
      "--",
      cap.shPath,
      "-c",
      setPidMax,
      String(pidMax),
    ],
    inner: [],
  };
}

function kernelAtLeast(release: string, major: number, minor: number): boolean {
  const match = /^(\d+)\.(\d+)/.exec(release);
  if (!match) return false;
  const [have, haveMinor] = [Number(match[1]), Number(match[2])];
  return have > major || (have === major && haveMinor >= minor);
}
