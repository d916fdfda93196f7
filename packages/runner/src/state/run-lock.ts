import fs from "node:fs";

/** Another live process is working on the run. */
export class RunBusyError extends Error {
  override name = "RunBusyError";
}

/**
 * One process per run: a lock file holding the owner's pid and start time. A lock whose owner is
 * gone (killed, rebooted) is taken over, which is what `run resume` after a SIGKILL relies on.
 */
export class RunLock {
  #held = true;
  private constructor(readonly file: string) {}

  static acquire(file: string, runId: string): RunLock {
    const stamp = `${process.pid} ${startTime(process.pid) ?? ""}\n`;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.writeFileSync(file, stamp, { flag: "wx", mode: 0o600 });
        return new RunLock(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
      const owner = lockOwner(file);
      if (owner !== null) {
        throw new RunBusyError(
          `run ${runId} is being worked on by another nightshift process (pid ${owner}); wait for it or stop it first`,
        );
      }
      fs.rmSync(file, { force: true });
    }
    throw new RunBusyError(`run ${runId} is being opened by another process; try again`);
  }

  release(): void {
    if (!this.#held) return;
    this.#held = false;
    fs.rmSync(this.file, { force: true });
  }
}

/** The pid of the live process holding the lock, or null when nobody (alive) holds it. */
export function lockOwner(file: string): number | null {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return null;
  }
  const [pidText, start = ""] = text.trim().split(" ");
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EPERM") return null;
  }
  const now = startTime(pid);
  return now === null || start === "" || now === start ? pid : null;
}

/** Field 22 of /proc/<pid>/stat: tells a reused pid from the original owner. */
function startTime(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}
