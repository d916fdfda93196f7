import fs from "node:fs";
import path from "node:path";
import { isPathInside } from "../util/paths.js";
import { PROTECTED_SUBDIRS, type SandboxPolicy, writableRoots } from "./policy.js";

/** One writable root, resolved, with the paths inside it that must stay read-only. */
export type ResolvedRoot = { root: string; readOnly: string[] };

/** How far below the first root nested repositories are looked for, and how many directories at most. */
export const NESTED_GIT_SCAN = { maxDepth: 3, maxDirectories: 1000 } as const;

/** Directories never searched for nested repositories: big, generated, never a repository of yours. */
const SCAN_SKIPPED = new Set(["node_modules"]);

/**
 * The policy's writable roots resolved through symlinks (roots that do not exist are skipped),
 * each with the paths inside it that stay read-only:
 *
 * - its `.git`, `.nightshift`, `.agents` and `.codex` where they exist, and for a `.git` file
 *   (worktree, submodule) the directory its `gitdir:` line names plus that directory's
 *   `commondir`, where hooks and config live;
 * - in the first root (the workspace), the `.git` of nested repositories up to
 *   `NESTED_GIT_SCAN.maxDepth` levels down, skipping `node_modules` and other hidden directories,
 *   visiting at most `NESTED_GIT_SCAN.maxDirectories` directories (a bigger tree is protected
 *   only as far as the scan got; `isPathWritable`, used by apply_patch, has no such limit);
 * - the policy's `protectedPaths` that exist and lie inside the root.
 *
 * A protected path that does not exist yet is not protected: binding something in its place
 * would create it on the host (an empty `.git` there would change how git, ripgrep and our own
 * project-root search see the tree, and would break `git init`). So a command can create a new
 * repository, with any config and hooks, wherever it may write; existing ones stay intact.
 */
export function resolveWritableRoots(
  policy: SandboxPolicy,
  cwd: string,
  env: NodeJS.ProcessEnv,
): ResolvedRoot[] {
  const roots: string[] = [];
  for (const candidate of writableRoots(policy, cwd, env)) {
    const root = realpathOrNull(candidate);
    if (root && !roots.includes(root) && isDirectory(root)) roots.push(root);
  }
  const extra = (policy.protectedPaths ?? []).flatMap((target) => realpathOrNull(path.resolve(target)) ?? []);
  return roots.map((root, index) => {
    const found = [...protectedPaths(root), ...(index === 0 ? nestedGitPaths(root) : [])];
    // What a repository's files point to is bound only where it matters (inside a root) and never
    // over the root itself: a `.git` file saying `gitdir: /` must not turn the sandbox read-only.
    const gitPaths = found.filter(
      (target) => roots.some((other) => isPathInside(target, other)) && !isPathInside(root, target),
    );
    // A protected path wins over the root it is in, or that is in it.
    const fromPolicy = extra.filter((target) => isPathInside(target, root) || isPathInside(root, target));
    return { root, readOnly: [...new Set([...gitPaths, ...fromPolicy])] };
  });
}

function protectedPaths(dir: string): string[] {
  const found: string[] = [];
  for (const sub of PROTECTED_SUBDIRS) {
    const entry = path.join(dir, sub);
    const real = realpathOrNull(entry);
    if (!real) continue;
    found.push(real);
    if (sub === ".git" && !isDirectory(real)) found.push(...gitDirsFromFile(real, dir));
  }
  return found;
}

/** `.git` entries (and what `.git` files point to) of repositories nested below `root`, within the scan's bounds. */
function nestedGitPaths(root: string): string[] {
  const found: string[] = [];
  let visited = 0;
  let level = readDirectory(root).flatMap((entry) => (scanned(entry) ? [path.join(root, entry.name)] : []));
  for (let depth = 1; depth <= NESTED_GIT_SCAN.maxDepth; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      if (visited++ >= NESTED_GIT_SCAN.maxDirectories) return found;
      for (const entry of readDirectory(dir)) {
        if (entry.name === ".git") {
          const real = realpathOrNull(path.join(dir, entry.name));
          if (real) found.push(real, ...(isDirectory(real) ? [] : gitDirsFromFile(real, dir)));
        } else if (depth < NESTED_GIT_SCAN.maxDepth && scanned(entry)) {
          next.push(path.join(dir, entry.name));
        }
      }
    }
    level = next;
  }
  return found;
}

function scanned(entry: fs.Dirent): boolean {
  return entry.isDirectory() && !entry.name.startsWith(".") && !SCAN_SKIPPED.has(entry.name);
}

/** `gitdir: <path>` in a `.git` file, and the `commondir` of that directory when it has one. */
function gitDirsFromFile(gitFile: string, base: string): string[] {
  const match = /^gitdir:\s*(.+?)\s*$/m.exec(readSmallFile(gitFile) ?? "");
  if (!match) return [];
  const gitDir = realpathOrNull(path.resolve(base, match[1]!));
  if (!gitDir) return [];
  const dirs = [gitDir];
  const common = readSmallFile(path.join(gitDir, "commondir"))?.trim();
  const commonDir = common ? realpathOrNull(path.resolve(gitDir, common)) : null;
  if (commonDir) dirs.push(commonDir);
  return dirs;
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
