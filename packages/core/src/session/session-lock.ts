import fs from "node:fs";

/** Why a session cannot be opened for writing: another live process holds it. */
export class SessionBusyError extends Error {
  override name = "SessionBusyError";
}

/**
 * An exclusive claim on one session's rollout, so two processes never append to the same file
 * (two `exec resume` of one session at once would interleave it for good). The lock is a file
 * beside the rollout holding the owner's pid and start time; a lock whose owner is gone (killed,
 * rebooted) is taken over.
 */
export class SessionLock {
  readonly #file: string;
  #held = true;

  private constructor(file: string) {
    this.#file = file;
  }

  static acquire(rolloutPath: string, pid: number = process.pid): SessionLock {
    const file = `${rolloutPath}.lock`;
    const stamp = `${pid} ${processStartTime(pid) ?? ""}\n`;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.writeFileSync(file, stamp, { flag: "wx", mode: 0o600 });
        return new SessionLock(file);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
      const owner = readOwner(file);
      if (owner && isAlive(owner)) {
        throw new SessionBusyError(
          `session ${rolloutPath} is in use by another nightshift process (pid ${owner.pid}); wait for it to finish or stop it first`,
        );
      }
      fs.rmSync(file, { force: true });
    }
    throw new SessionBusyError(`session ${rolloutPath} is being opened by another process; try again`);
  }

  release(): void {
    if (!this.#held) return;
    this.#held = false;
    fs.rmSync(this.#file, { force: true });
  }
}

type Owner = { pid: number; start: string };

function readOwner(file: string): Owner | null {
  try {
    const [pid, start = ""] = fs.readFileSync(file, "utf8").trim().split(" ");
    const n = Number(pid);
    return Number.isInteger(n) && n > 0 ? { pid: n, start } : null;
  } catch {
    return null;
  }
}

/** Alive and the same process (a reused pid has another start time). */
function isAlive(owner: Owner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const start = processStartTime(owner.pid);
  return start === null || owner.start === "" || start === owner.start;
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot); null where there is no /proc. */
function processStartTime(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[19] ?? null;
  } catch {
    return null;
  }
}
