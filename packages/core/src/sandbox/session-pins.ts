import fs from "node:fs";
import path from "node:path";

/** Directories visited at most, over all roots of a session, looking for protected folders. */
export const DEFAULT_MAX_SCANNED_DIRECTORIES = 100_000;

/** What a pinned path is to the sandbox; it changes what "gone" means. */
export type PinRole = "workspace" | "writable root" | "protected path";

type Identity = { real: string; dev: number; ino: number };
type Pin = Identity | null;

export type PinCheck = { real: string | null } | { error: string };

/**
 * The real paths a session's sandbox is built from, pinned the first time each is seen (at session
 * start when the session pins them eagerly, else at the first command): the working directory,
 * the writable roots, the protected paths (nightshift's home among them). Every later command
 * checks that each still resolves to the same directory (same real path, device and inode) and
 * is refused when one does not: a symlink planted where the workspace was, or a renamed parent,
 * must never redirect where commands and patches may write.
 *
 * Inside the sandbox none of these can be renamed (see `planSandboxLayout`); a change means
 * something outside did it (an approved unsandboxed command, another program). One instance per
 * session, shared by everything that starts sandboxed commands.
 */
export class SessionPins {
  readonly #pins = new Map<string, Pin>();
  readonly #scans = new Map<string, string[] | { error: string }>();
  #scannedDirectories = 0;
  /** Directories the session's searches for protected folders may visit, over all roots. */
  readonly maxScannedDirectories: number;

  constructor(options: { maxScannedDirectories?: number } = {}) {
    this.maxScannedDirectories = options.maxScannedDirectories ?? DEFAULT_MAX_SCANNED_DIRECTORIES;
  }

  /**
   * The real path of `given` (absolute) as pinned, or why the sandbox must not be built:
   *
   * - the workspace must exist and be the pinned directory;
   * - a writable root that is gone is skipped (`real: null`), and so is one that did not exist
   *   when first seen (whatever appears there later is not trusted to be ours);
   * - a protected path that is gone or replaced is refused (something could be planted in its
   *   place); one that did not exist when first seen is protected once it appears.
   */
  check(given: string, role: PinRole): PinCheck {
    const key = path.resolve(given);
    const now = identify(key);
    if (!this.#pins.has(key)) {
      if (!now && role === "workspace") return { error: missingWorkspace(key) };
      this.#pins.set(key, now);
      return { real: now?.real ?? null };
    }
    const pinned = this.#pins.get(key) ?? null;
    if (pinned === null) return { real: role === "protected path" ? (now?.real ?? null) : null };
    if (now && now.real === pinned.real && now.dev === pinned.dev && now.ino === pinned.ino) {
      return { real: pinned.real };
    }
    if (!now && role === "writable root") return { real: null };
    return { error: changed(key, role, pinned, now) };
  }

  /** Pins every path now (the session's start), so later changes are caught from the first command. */
  pinAll(paths: ReadonlyArray<{ path: string; role: PinRole }>): string | null {
    for (const { path: given, role } of paths) {
      const result = this.check(given, role);
      if ("error" in result) return result.error;
    }
    return null;
  }

  /**
   * Runs `scan` for `root` once per session and keeps its outcome; `budget` is what it may still
   * spend (directories), shared by every root of the session.
   */
  scanOnce(
    root: string,
    scan: (budget: number) => { found: string[]; visited: number } | { error: string; visited: number },
  ): string[] | { error: string } {
    const known = this.#scans.get(root);
    if (known) return known;
    const outcome = scan(Math.max(0, this.maxScannedDirectories - this.#scannedDirectories));
    this.#scannedDirectories += outcome.visited;
    const kept = "error" in outcome ? { error: outcome.error } : outcome.found;
    this.#scans.set(root, kept);
    return kept;
  }
}

function identify(target: string): Identity | null {
  try {
    const real = fs.realpathSync(target);
    const stat = fs.lstatSync(real);
    return { real, dev: stat.dev, ino: stat.ino };
  } catch {
    return null;
  }
}

function missingWorkspace(key: string): string {
  return `the working directory ${key} does not exist; nothing was run.`;
}

function changed(key: string, role: PinRole, pinned: Identity, now: Identity | null): string {
  const what =
    role === "workspace"
      ? "the workspace"
      : role === "writable root"
        ? "the writable root"
        : "the protected path";
  const state = !now
    ? "is gone"
    : now.real !== pinned.real
      ? `now resolves to ${now.real}`
      : "was replaced by another directory or file";
  return (
    `refusing to run: ${what} ${key} ${state}; when the session started it was ${pinned.real}. ` +
    "It, or a folder above it, was moved, removed or replaced since, so the sandbox can no longer tell " +
    "where writes would land. Nothing was run and no file was written. Put it back, or start a new session."
  );
}
