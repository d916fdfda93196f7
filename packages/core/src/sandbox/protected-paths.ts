import fs from "node:fs";
import path from "node:path";
import { isPathInside } from "../util/paths.js";
import { PROTECTED_SUBDIRS, type SandboxPolicy, writableRoots } from "./policy.js";
import { SessionPins } from "./session-pins.js";

/**
 * Where a sandboxed command may write, as real paths: the writable roots, the paths inside them
 * that stay read-only, and the folders that must not be renamed or removed.
 */
export type SandboxLayout = {
  /** Writable roots that exist, de-duplicated; the first is the working directory. */
  roots: string[];
  /** Paths inside (or around) the roots that stay read-only. */
  readOnly: string[];
  /**
   * Directories strictly between a root and a protected path, the working directory or another
   * root inside it. The sandbox makes each its own mount point (writable as before), because a
   * mount point cannot be renamed or removed: renaming `/tmp/X` to swap a symlink in for the
   * workspace `/tmp/X/repo`, or moving a repository into a hidden folder to write its hooks,
   * fails with EBUSY.
   */
  anchors: string[];
};

/** One file system path of the sandbox's view, in the order mounts must be made. */
export type LayoutMount = { path: string; writable: boolean };

/** Protected paths (each a mount) a sandbox has at most. */
export const MAX_PROTECTED_PATHS = 1_000;

/** Directories the search never enters: package trees nobody runs git in (documented in docs/security.md). */
const SCAN_SKIPPED = new Set(["node_modules"]);
const PROTECTED_NAMES = new Set<string>(PROTECTED_SUBDIRS);

/**
 * The sandbox layout of `policy` for the session's working directory `cwd`, or why commands must
 * be refused. Paths come from `pins` (see `SessionPins`): a workspace, root or protected path
 * that changed since the session pinned it refuses the command. Read-only:
 *
 * - in every writable root, the `.git`, `.nightshift`, `.agents` and `.codex` entries at its top
 *   (looked up for each command) and at any depth below it (searched once per session, hidden
 *   folders included, `node_modules` and other roots excepted). The search is complete or the
 *   command is refused: past the pins' `maxScannedDirectories` (or `MAX_PROTECTED_PATHS`
 *   protected paths) nothing runs, with a message saying how to narrow the roots;
 * - for a `.git` file (worktree, submodule), the git directory its `gitdir:` line names and that
 *   directory's `commondir`, when they are git directories (a `HEAD` and `objects` or a
 *   `commondir`): a `.git` file elsewhere cannot turn an ordinary workspace folder read-only;
 * - the policy's `protectedPaths`, which win over the root they are in or that is in them.
 *
 * What protected entries point to is never bound over a root or a folder holding one (a `.git`
 * file saying `gitdir: /` must not turn the sandbox read-only). A protected path that does not
 * exist yet is not protected: a mount needs something to mount on, and creating an empty `.git`
 * on the host would change how git and tools see the tree. So a command can create a new
 * repository where it may write; existing ones stay intact.
 */
export function planSandboxLayout(
  policy: SandboxPolicy,
  cwd: string,
  env: NodeJS.ProcessEnv,
  pins: SessionPins = new SessionPins(),
): SandboxLayout | { error: string } {
  if (policy.mode !== "workspace-write") return { roots: [], readOnly: [], anchors: [] };
  const workspace = pins.check(cwd, "workspace");
  if ("error" in workspace) return workspace;
  const roots = [workspace.real!];
  for (const candidate of writableRoots(policy, cwd, env).slice(1)) {
    const root = pins.check(candidate, "writable root");
    if ("error" in root) return root;
    if (root.real && !roots.includes(root.real) && isDirectory(root.real)) roots.push(root.real);
  }
  const fromPolicy: string[] = [];
  for (const target of policy.protectedPaths ?? []) {
    const pinned = pins.check(target, "protected path");
    if ("error" in pinned) return pinned;
    if (pinned.real) fromPolicy.push(pinned.real);
  }

  const found: string[] = [];
  for (const root of roots) {
    found.push(...protectedEntries(root));
    const nested = pins.scanOnce(root, (budget) =>
      scanForProtected(root, roots, budget, pins.maxScannedDirectories),
    );
    if ("error" in nested) return nested;
    found.push(...nested);
  }
  const gitPaths = found.filter(
    (target) =>
      roots.some((root) => isPathInside(target, root)) && !roots.some((root) => isPathInside(root, target)),
  );
  const relevantPolicyPaths = fromPolicy.filter((target) =>
    roots.some((root) => isPathInside(target, root) || isPathInside(root, target)),
  );
  const readOnly = [...new Set([...gitPaths, ...relevantPolicyPaths])];
  if (readOnly.length > MAX_PROTECTED_PATHS) {
    return {
      error: `refusing to run: the writable roots hold ${readOnly.length} folders that must stay read-only (repositories' .git and agent settings), more than the sandbox's limit of ${MAX_PROTECTED_PATHS}. Start nightshift in a smaller folder or remove writable roots.`,
    };
  }
  return { roots, readOnly, anchors: anchorsOf(roots, readOnly) };
}

/**
 * For session setup: pins the working directory, the writable roots and the protected paths
 * (nightshift's home among them) and runs the searches for protected folders now, so a change
 * is caught from the first command on and the cost is paid once. Returns the message to show
 * when the sandbox cannot be built (then commands would be refused), else null. Only
 * workspace-write has anything to pin.
 */
export function pinSessionPaths(
  policy: SandboxPolicy,
  cwd: string,
  env: NodeJS.ProcessEnv,
  pins: SessionPins,
): string | null {
  const layout = planSandboxLayout(policy, cwd, env, pins);
  return "error" in layout ? layout.error : null;
}

/**
 * The mounts of a layout in the order they must be made: shallow paths first (a later mount of
 * a parent would hide what was mounted inside it), a read-only path after a writable one at the
 * same place. Writable paths inside a read-only one are left out: a protected path wins over a
 * root or anchor inside it.
 */
export function layoutMounts(layout: SandboxLayout): LayoutMount[] {
  const readOnly = layout.readOnly.map((target) => ({ path: target, writable: false }));
  const writable = [...new Set([...layout.roots, ...layout.anchors])]
    .filter((target) => !layout.readOnly.some((ro) => isPathInside(target, ro)))
    .map((target) => ({ path: target, writable: true }));
  const depth = (target: string) => (target === "/" ? 0 : target.split(path.sep).length);
  return [...writable, ...readOnly].sort((a, b) => depth(a.path) - depth(b.path));
}

/** Every directory strictly between a root and a path inside it that must keep its place. */
function anchorsOf(roots: readonly string[], readOnly: readonly string[]): string[] {
  const anchors = new Set<string>();
  for (const target of [...roots, ...readOnly]) {
    for (const root of roots) {
      if (target === root || !isPathInside(target, root)) continue;
      for (let dir = path.dirname(target); dir !== root && isPathInside(dir, root); dir = path.dirname(dir)) {
        anchors.add(dir);
      }
    }
  }
  return [...anchors].filter((dir) => !roots.includes(dir));
}

/** The protected entries at the top of `dir`, and what `.git` files there point to. */
function protectedEntries(dir: string): string[] {
  const found: string[] = [];
  for (const sub of PROTECTED_SUBDIRS) found.push(...protectedEntry(path.join(dir, sub), dir));
  return found;
}

function protectedEntry(entry: string, dir: string): string[] {
  const real = realpathOrNull(entry);
  if (!real) return [];
  if (path.basename(entry).toLowerCase() !== ".git" || isDirectory(real)) return [real];
  return [real, ...gitDirsFromFile(real, dir)];
}

/**
 * Protected entries at any depth below `root` (not its top, which is looked up per command),
 * breadth first, never following symlinks, skipping `node_modules` and the other roots (each is
 * searched on its own). Refuses once more than `budget` directories would be visited.
 */
function scanForProtected(
  root: string,
  roots: readonly string[],
  budget: number,
  limit: number,
): { found: string[]; visited: number } | { error: string; visited: number } {
  const found: string[] = [];
  let visited = 0;
  let level = [root];
  while (level.length > 0) {
    const next: string[] = [];
    for (const dir of level) {
      if (visited++ >= budget) return { error: scanTooBig(root, limit), visited };
      for (const entry of readDirectory(dir)) {
        const full = path.join(dir, entry.name);
        if (PROTECTED_NAMES.has(entry.name.toLowerCase())) {
          if (dir !== root) found.push(...protectedEntry(full, dir));
        } else if (entry.isDirectory() && !SCAN_SKIPPED.has(entry.name) && !roots.includes(full)) {
          next.push(full);
        }
      }
    }
    level = next;
  }
  return { found, visited };
}

function scanTooBig(root: string, limit: number): string {
  return (
    `refusing to run in workspace-write: the writable roots hold more than ${limit.toLocaleString("en-US")} folders ` +
    `(outside node_modules; the search stopped in ${root}), too many to find every repository (.git) and agent settings ` +
    "folder that must stay read-only. Start nightshift in a smaller folder, or take the big folder out of the writable roots " +
    "(for /tmp: sandbox_workspace_write.exclude_slash_tmp = true; for $TMPDIR: exclude_tmpdir_env_var = true)."
  );
}

/**
 * `gitdir: <path>` in a `.git` file and the `commondir` of that directory, each only when it is a
 * git directory: a `.git` file must not turn an arbitrary folder read-only.
 */
function gitDirsFromFile(gitFile: string, base: string): string[] {
  const match = /^gitdir:\s*(.+?)\s*$/m.exec(readSmallFile(gitFile) ?? "");
  if (!match) return [];
  const gitDir = realpathOrNull(path.resolve(base, match[1]!));
  if (!gitDir || !isGitDirectory(gitDir)) return [];
  const dirs = [gitDir];
  const common = readSmallFile(path.join(gitDir, "commondir"))?.trim();
  const commonDir = common ? realpathOrNull(path.resolve(gitDir, common)) : null;
  if (commonDir && isGitDirectory(commonDir)) dirs.push(commonDir);
  return dirs;
}

function isGitDirectory(dir: string): boolean {
  const has = (name: string, kind: "file" | "dir") => {
    try {
      const stat = fs.lstatSync(path.join(dir, name));
      return kind === "file" ? stat.isFile() : stat.isDirectory();
    } catch {
      return false;
    }
  };
  return has("HEAD", "file") && (has("objects", "dir") || has("commondir", "file"));
}

function readDirectory(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/** A regular file's text, if it is under 64 KiB; never blocks on a FIFO put in its place. */
function readSmallFile(file: string): string | null {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const stat = fs.fstatSync(fd);
    if (!stat.isFile() || stat.size >= 64 * 1024) return null;
    const buffer = Buffer.alloc(stat.size);
    const length = fs.readSync(fd, buffer, 0, stat.size, 0);
    return buffer.subarray(0, length).toString("utf8");
  } catch {
    return null;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function realpathOrNull(target: string): string | null {
  try {
    return fs.realpathSync(target);
  } catch {
    return null;
  }
}

function isDirectory(target: string): boolean {
  try {
    return fs.statSync(target).isDirectory();
  } catch {
    return false;
  }
}
