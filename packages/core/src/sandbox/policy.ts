import fs from "node:fs";
import path from "node:path";
import { isPathInside } from "../util/paths.js";

export type SandboxMode = "read-only" | "workspace-write" | "danger-full-access";
export type ApprovalPolicy = "untrusted" | "on-failure" | "on-request" | "never";

export const SANDBOX_MODES: readonly SandboxMode[] = ["read-only", "workspace-write", "danger-full-access"];
export const APPROVAL_POLICIES: readonly ApprovalPolicy[] = [
  "untrusted",
  "on-failure",
  "on-request",
  "never",
];

/** What a command or a file edit may touch. */
export type SandboxPolicy = {
  mode: SandboxMode;
  /** Extra writable roots for workspace-write (absolute paths). */
  writableRoots: string[];
  networkAccess: boolean;
  /** Exclude $TMPDIR / /tmp from the writable roots. */
  excludeTmpdirEnvVar?: boolean;
  excludeSlashTmp?: boolean;
  /**
   * Absolute paths that stay read-only even inside a writable root (files or directories), such
   * as nightshift's own home: its config names programs nightshift starts unsandboxed. Paths that
   * do not exist yet are honoured by `isPathWritable` but not by the command sandboxes (a mount
   * needs something to mount on), so create them before commands run.
   */
  protectedPaths?: string[];
  /**
   * Processes (and threads) one sandboxed command may have at once (Linux, where `prlimit` is
   * installed); default `DEFAULT_MAX_PROCESSES`.
   */
  maxProcesses?: number;
};

/** Directories inside a writable root that stay read-only. */
export const PROTECTED_SUBDIRS = [".git", ".nightshift", ".agents", ".codex"] as const;

/** The writable roots of a policy for a given working directory, absolute and de-duplicated. */
export function writableRoots(policy: SandboxPolicy, cwd: string, env: NodeJS.ProcessEnv = {}): string[] {
  if (policy.mode !== "workspace-write") return [];
  const roots = [cwd, ...policy.writableRoots];
  if (!policy.excludeSlashTmp) roots.push("/tmp");
  if (!policy.excludeTmpdirEnvVar && env.TMPDIR) roots.push(env.TMPDIR);
  return [...new Set(roots.map((root) => path.resolve(cwd, root)))];
}

/**
 * Whether `target` (an absolute path, already resolved through symlinks by the caller) may be
 * written under `policy`. Inside the writable roots, any path with a protected directory name
 * (`.git`, `.nightshift`, `.agents`, `.codex`) among its components below a root is refused,
 * so nested repositories are covered too, and so is anything inside `policy.protectedPaths`.
 */
export function isPathWritable(
  policy: SandboxPolicy,
  cwd: string,
  target: string,
  env: NodeJS.ProcessEnv = {},
): boolean {
  if (policy.mode === "danger-full-access") return true;
  if (policy.mode === "read-only") return false;
  // Roots are compared as given and with symlinks resolved. Each root that contains the target
  // is checked, so that a protected folder of one root stays read-only when an enclosing root
  // (such as /tmp) covers it.
  const containing = writableRoots(policy, cwd, env)
    .flatMap(pathVariants)
    .filter((root) => isPathInside(target, root));
  if (containing.length === 0) return false;
  if (containing.some((root) => hasProtectedComponent(path.relative(root, target)))) return false;
  return !(policy.protectedPaths ?? [])
    .flatMap(pathVariants)
    .some((protectedPath) => isPathInside(target, protectedPath));
}

const PROTECTED_NAMES = new Set<string>(PROTECTED_SUBDIRS);

/** Case-insensitively, since `.GIT` is `.git` on macOS's default file system. */
function hasProtectedComponent(relative: string): boolean {
  return relative.split(path.sep).some((part) => PROTECTED_NAMES.has(part.toLowerCase()));
}

/** A path as given and with symlinks resolved (when it exists). */
function pathVariants(target: string): string[] {
  const resolved = path.resolve(target);
  try {
    const real = fs.realpathSync(resolved);
    return real === resolved ? [resolved] : [resolved, real];
  } catch {
    return [resolved];
  }
}
