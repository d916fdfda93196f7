import fs from "node:fs";
import path from "node:path";
import { isPathInside } from "../util/paths.js";
import type { SandboxPolicy } from "./policy.js";
import { type ProcessCap, processCapArgv } from "./process-cap.js";
import { layoutMounts, planSandboxLayout, type SandboxLayout } from "./protected-paths.js";

/** Processes (threads count too) one sandboxed command may have at once, unless the policy says otherwise. */
export const DEFAULT_MAX_PROCESSES = 512;

export type BwrapOptions = {
  policy: SandboxPolicy;
  /** The policy's working directory: the first writable root in workspace-write (the session's cwd). */
  cwd: string;
  /** Where the command starts (default `cwd`); it does not change the writable roots. */
  chdir?: string;
  /** Detach from our terminal session (default true; false for commands on their own pty). */
  newSession?: boolean;
  /** The parent environment: `$TMPDIR` as a writable root; `$XDG_RUNTIME_DIR`, `$SSH_AUTH_SOCK` to hide. */
  env: NodeJS.ProcessEnv;
  /** File descriptor (in the child) from which bwrap reads a seccomp program, if any. */
  seccompFd?: number;
  /** Our user id, for `/run/user/<uid>` (default: the process's). */
  uid?: number;
  /**
   * What is writable and read-only, from `planSandboxLayout` with the session's pins; planned here
   * (without pins) when left out, and then a layout that cannot be made throws.
   */
  layout?: SandboxLayout;
};

/**
 * bubblewrap arguments (without the `bwrap` program and without the command) that confine a
 * command to `policy`:
 *
 * - every capability dropped (`--cap-drop ALL`): run as root, bwrap would otherwise keep them all
 *   in the sandbox, and `mount -o remount,rw` or `umount` would undo every read-only mount;
 * - the whole file system read-only (`--ro-bind / /`), then the layout's mounts shallow first:
 *   each writable root and anchor (a folder that must not be renamed) bound read-write onto
 *   itself, each protected path bound read-only again. Every source is a pinned real path and
 *   is bound with `-try`, so a protected path another program removes meanwhile does not fail the
 *   command;
 * - a fresh `/dev` (so `/dev/null`, `/dev/tty`... stay usable) and a fresh `/proc` for the new
 *   PID namespace (`/proc/self/root` is the sandbox's own view, and none of our processes shows);
 * - new user, PID, IPC and UTS namespaces, and a new network namespace (loopback only) unless
 *   the policy allows network access;
 * - with the network off, the well-known homes of host Unix sockets hidden last, after every
 *   bind (so a writable `/tmp` cannot bring `/tmp/.X11-unix` back): see `hostSocketMasks`;
 * - `--new-session` so the command cannot push keystrokes into our terminal (TIOCSTI), and
 *   `--die-with-parent` so nothing outlives us.
 *
 * Binds name real paths: a symlink inside a writable root that points elsewhere resolves, inside
 * the sandbox, to the read-only view of its target.
 */
export function buildBwrapArgs(options: BwrapOptions): string[] {
  const { policy } = options;
  // A terminal session is already its own session on its own pty: `--new-session` would only take
  // away its job control (TIOCSTI cannot reach our terminal from there).
  const args = options.newSession === false ? [] : ["--new-session"];
  args.push("--die-with-parent", "--unshare-user", "--unshare-pid", "--unshare-ipc");
  args.push("--unshare-uts");
  if (!policy.networkAccess) args.push("--unshare-net");
  args.push("--cap-drop", "ALL");
  args.push("--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc");
  const layout = options.layout ?? planOrThrow(options);
  for (const mount of layoutMounts(layout)) {
    args.push(mount.writable ? "--bind-try" : "--ro-bind-try", mount.path, mount.path);
  }
  // Host sockets (D-Bus, docker, ssh-agent, X11) would let a command act outside the sandbox,
  // network or not. What the command runs in (`chdir`, chosen by the model) never keeps one open.
  const keep = [options.cwd, ...layout.roots];
  const uid = options.uid ?? process.getuid?.();
  for (const mask of hostSocketMasks(options.env, uid, keep)) {
    if (mask.kind === "dir") args.push("--tmpfs", mask.path);
    else args.push("--ro-bind", "/dev/null", mask.path);
  }
  if (options.seccompFd !== undefined) args.push("--seccomp", String(options.seccompFd));
  args.push("--chdir", options.chdir ?? options.cwd);
  return args;
}

function planOrThrow(options: BwrapOptions): SandboxLayout {
  const layout = planSandboxLayout(options.policy, options.cwd, options.env);
  if ("error" in layout) throw new Error(layout.error);
  return layout;
}

/**
 * The full argv: `bwrapPath`, the sandbox arguments, then the command; with a `processCap`, wrapped
 * so that the command and its children may have at most `policy.maxProcesses` processes.
 */
export function wrapWithBwrap(
  bwrapPath: string,
  argv: string[],
  options: BwrapOptions & { processCap?: ProcessCap | null },
): string[] {
  const cap = options.processCap
    ? processCapArgv(options.processCap, options.policy.maxProcesses ?? DEFAULT_MAX_PROCESSES)
    : { outer: [], inner: [] };
  return [...cap.outer, bwrapPath, ...buildBwrapArgs(options), "--", ...cap.inner, ...argv];
}

export type SocketMask = { kind: "dir" | "file"; path: string };

/** System-wide sockets a user may talk to: the container engines and the D-Bus system bus. */
const SYSTEM_SOCKETS = [
  "/run/docker.sock",
  "/var/run/docker.sock",
  "/run/podman/podman.sock",
  "/run/dbus/system_bus_socket",
];

/**
 * Where host Unix sockets commonly live, as things to hide from a command that runs without the
 * network: the per-user runtime directory (`/run/user/<uid>`, `$XDG_RUNTIME_DIR`: the D-Bus
 * session bus, the keyring, gpg-agent, podman, pipewire...), `/tmp/.X11-unix`, the ssh-agent's
 * directory, the docker and podman sockets and the D-Bus system bus. The seccomp filter refuses
 * `connect` already; this is the second wall, and the only one for terminal sessions, which run
 * without the filter.
 *
 * A directory is covered with an empty (writable, private) tmpfs, so programs that keep runtime
 * files there still can; a socket file with `/dev/null`. Paths are resolved through symlinks;
 * ones that do not exist are skipped; a directory that holds the working directory or a writable
 * root is not hidden (the ssh-agent's socket is then hidden on its own).
 */
export function hostSocketMasks(
  env: NodeJS.ProcessEnv,
  uid: number | undefined,
  keep: readonly string[],
): SocketMask[] {
  const wanted: SocketMask[] = [];
  if (uid !== undefined) wanted.push({ kind: "dir", path: `/run/user/${uid}` });
  if (env.XDG_RUNTIME_DIR) wanted.push({ kind: "dir", path: env.XDG_RUNTIME_DIR });
  wanted.push({ kind: "dir", path: "/tmp/.X11-unix" });
  const agent = env.SSH_AUTH_SOCK;
  if (agent && path.isAbsolute(agent)) {
    // Hide the agent's directory, unless that is home or / (then only the socket itself).
    const dir = path.dirname(agent);
    const broad = dir === "/" || (env.HOME !== undefined && path.resolve(env.HOME) === dir);
    wanted.push(broad ? { kind: "file", path: agent } : { kind: "dir", path: dir });
  }
  if (uid !== undefined) wanted.push({ kind: "dir", path: `/tmp/tmux-${uid}` });
  if (env.TMUX) {
    const socket = env.TMUX.split(",")[0];
    if (socket && path.isAbsolute(socket)) wanted.push({ kind: "dir", path: path.dirname(socket) });
  }
  wanted.push({ kind: "dir", path: "/run/screen" });
  for (const socket of SYSTEM_SOCKETS) {
    wanted.push({ kind: "file", path: socket });
  }

  const masks: SocketMask[] = [];
  const add = (mask: SocketMask) => {
    if (!masks.some((known) => isPathInside(mask.path, known.path))) masks.push(mask);
  };
  const holdsKept = (dir: string) => keep.some((kept) => isPathInside(path.resolve(kept), dir));
  for (const { kind, path: target } of wanted) {
    if (!path.isAbsolute(target)) continue;
    const real = realpathOrNull(target);
    const stat = real ? statOrNull(real) : null;
    if (!real || !stat) continue;
    if (kind === "dir" && stat.isDirectory()) {
      if (!holdsKept(real)) add({ kind, path: real });
      else if (agent && target === path.dirname(agent)) addFile(agent, add);
    } else if (kind === "file" && !stat.isDirectory()) {
      add({ kind, path: real });
    }
  }
  return masks;
}

function addFile(file: string, add: (mask: SocketMask) => void): void {
  const real = realpathOrNull(file);
  const stat = real ? statOrNull(real) : null;
  if (real && stat && !stat.isDirectory()) add({ kind: "file", path: real });
}

function realpathOrNull(target: string): string | null {
  try {
    return fs.realpathSync(target);
  } catch {
    return null;
  }
}

function statOrNull(target: string): fs.Stats | null {
  try {
    return fs.statSync(target);
  } catch {
    return null;
  }
}
