import fs from "node:fs";
import path from "node:path";
import { PROTECTED_SUBDIRS, type SandboxPolicy, writableRoots } from "./policy.js";

/** One writable root, resolved, with the paths inside it that must stay read-only. */
export type ResolvedRoot = { root: string; readOnly: string[] };

/**
 * The policy's writable roots resolved through symlinks (roots that do not exist are skipped),
 * each with its protected subdirectories: `.git`, `.nightshift`, `.agents`, `.codex` where they
 * exist, and for a `.git` file (worktree, submodule) the directory its `gitdir:` line names plus
 * that directory's `commondir`, where hooks and config live.
 *
 * A protected directory that does not exist yet is not protected: binding something in its place
 * would create it on the host.
 */
export function resolveWritableRoots(
  policy: SandboxPolicy,
  cwd: string,
  env: NodeJS.ProcessEnv,
): ResolvedRoot[] {
  const seen = new Set<string>();
  const resolved: ResolvedRoot[] = [];
  for (const candidate of writableRoots(policy, cwd, env)) {
    const root = realpathOrNull(candidate);
    if (!root || seen.has(root) || !isDirectory(root)) continue;
    seen.add(root);
    resolved.push({ root, readOnly: protectedPaths(root) });
  }
  return resolved;
}

function protectedPaths(root: string): string[] {
  const found = new Set<string>();
  for (const sub of PROTECTED_SUBDIRS) {
    const entry = path.join(root, sub);
    const real = realpathOrNull(entry);
    if (!real) continue;
    found.add(real);
    if (sub === ".git" && !isDirectory(real)) {
      for (const gitDir of gitDirsFromFile(real, path.dirname(entry))) found.add(gitDir);
    }
  }
  return [...found];
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

function readSmallFile(file: string): string | null {
  try {
    const stat = fs.statSync(file);
    return stat.isFile() && stat.size < 64 * 1024 ? fs.readFileSync(file, "utf8") : null;
  } catch {
    return null;
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
