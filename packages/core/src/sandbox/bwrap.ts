import type { SandboxPolicy } from "./policy.js";
import { type ResolvedRoot, resolveWritableRoots } from "./protected-paths.js";

export type BwrapOptions = {
  policy: SandboxPolicy;
  /** Working directory of the command; also the first writable root in workspace-write. */
  cwd: string;
  /** The parent environment, for `$TMPDIR` as a writable root. */
  env: NodeJS.ProcessEnv;
  /** File descriptor (in the child) from which bwrap reads a seccomp program, if any. */
  seccompFd?: number;
};

/**
 * bubblewrap arguments (without the `bwrap` program and without the command) that confine a
 * command to `policy`:
 *
 * - the whole file system read-only (`--ro-bind / /`), then each writable root bound read-write
 *   at its real path, then the protected paths inside the roots bound read-only again (later
 *   mounts win, so the order matters);
 * - a fresh `/dev` (so `/dev/null`, `/dev/tty`... stay usable) and a fresh `/proc` for the new
 *   PID namespace (`/proc/self/root` is the sandbox's own view);
 * - new user, PID, IPC and UTS namespaces, and a new network namespace (loopback only) unless
 *   the policy allows network access;
 * - `--new-session` so the command cannot push keystrokes into our terminal (TIOCSTI), and
 *   `--die-with-parent` so nothing outlives us.
 *
 * Binds name real paths: a symlink inside a writable root that points elsewhere resolves, inside
 * the sandbox, to the read-only view of its target.
 */
export function buildBwrapArgs(options: BwrapOptions): string[] {
  const { policy } = options;
  const args = ["--new-session", "--die-with-parent", "--unshare-user", "--unshare-pid", "--unshare-ipc"];
  args.push("--unshare-uts");
  if (!policy.networkAccess) args.push("--unshare-net");
  args.push("--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc");
  const roots: ResolvedRoot[] =
    policy.mode === "workspace-write" ? resolveWritableRoots(policy, options.cwd, options.env) : [];
  for (const { root } of roots) args.push("--bind", root, root);
  for (const { readOnly } of roots) {
    for (const target of readOnly) args.push("--ro-bind", target, target);
  }
  if (options.seccompFd !== undefined) args.push("--seccomp", String(options.seccompFd));
  args.push("--chdir", options.cwd);
  return args;
}

/** The full argv: `bwrapPath`, the sandbox arguments, then the command. */
export function wrapWithBwrap(bwrapPath: string, argv: string[], options: BwrapOptions): string[] {
  return [bwrapPath, ...buildBwrapArgs(options), "--", ...argv];
}
