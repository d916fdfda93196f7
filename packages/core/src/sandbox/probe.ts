import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DEFAULT_PATH } from "../exec/env.js";
import { runProcess } from "../exec/run-process.js";
import { findExecutable, isExecutableFile } from "../util/find-executable.js";
import { findProcessCap, type ProcessCap, processCapArgv } from "./process-cap.js";
import { buildNetworkSeccompFilter } from "./seccomp.js";

/** What sandbox this machine can give us. Probe once at startup and keep the value. */
export type SandboxProbe =
  | {
      available: true;
      kind: "bwrap";
      bwrapPath: string;
      /** Whether bwrap accepted our seccomp network filter (`--seccomp`). */
      seccomp: boolean;
      /** How each command's processes are capped (see `ProcessCap`); null when they cannot be. */
      processCap: ProcessCap | null;
    }
  | { available: true; kind: "seatbelt"; sandboxExecPath: string }
  | { available: false; reason: string };

export type ProbeOptions = {
  platform?: NodeJS.Platform;
  /** Searched for `bwrap` on its PATH (after the system folders). */
  env?: NodeJS.ProcessEnv;
  /** The session's working directory: nothing is taken from inside it. */
  cwd?: string;
  /**
   * Folders sandboxed commands may write (the session's writable roots): nothing is taken from
   * inside them either. The working directory, `/tmp`, `$TMPDIR` and the OS temp folder always are.
   */
  untrusted?: readonly string[];
  /** Use this bwrap instead of searching for one (trusted as given). */
  bwrapPath?: string;
  /** Use this process cap instead of looking for one; null for none. */
  processCap?: ProcessCap | null;
};

export const SANDBOX_EXEC_PATH = "/usr/bin/sandbox-exec";
/** Where distributions install system programs, searched before PATH. */
const SYSTEM_DIRS = ["/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/bin"];
const INSTALL_HINT = "install bubblewrap (apt-get install bubblewrap, dnf install bubblewrap, ...)";
/** The process cap of the self-test: low, so that it proves nothing needs more to start. */
const PROBE_PROCESS_LIMIT = 16;
/** Linux's release string, for features that depend on the kernel version. */
const kernelRelease = () => os.release();

/**
 * Finds the platform's sandbox and, on Linux, proves it works by running `true` inside bwrap
 * with the namespaces, mounts, capability drop and process cap we use (first with the seccomp
 * filter, then without; then without the process cap).
 */
export async function probeSandbox(options: ProbeOptions = {}): Promise<SandboxProbe> {
  const platform = options.platform ?? process.platform;
  if (platform === "darwin") {
    return fs.existsSync(SANDBOX_EXEC_PATH)
      ? { available: true, kind: "seatbelt", sandboxExecPath: SANDBOX_EXEC_PATH }
      : { available: false, reason: `${SANDBOX_EXEC_PATH} not found` };
  }
  if (platform !== "linux") return { available: false, reason: `no sandbox implementation for ${platform}` };

  const env = options.env ?? process.env;
  const untrusted = untrustedDirs(options, env);
  const searchPath = env.PATH ?? DEFAULT_PATH;
  const bwrapPath = options.bwrapPath ?? findSystemProgram("bwrap", searchPath, untrusted);
  if (!bwrapPath || !isExecutableFile(bwrapPath)) {
    return {
      available: false,
      reason: `bubblewrap (bwrap) not found in a folder only root can change; ${INSTALL_HINT}`,
    };
  }
  const processCap =
    options.processCap === undefined
      ? findProcessCap({
          uid: process.getuid?.(),
          kernelRelease: kernelRelease(),
          find: (name) => findSystemProgram(name, searchPath, untrusted),
        })
      : options.processCap;

  const filter = buildNetworkSeccompFilter();
  const attempts: Array<{ seccomp: Buffer | null; cap: ProcessCap | null }> = [];
  if (filter) attempts.push({ seccomp: filter, cap: processCap });
  attempts.push({ seccomp: null, cap: processCap });
  if (processCap) attempts.push({ seccomp: null, cap: null });
  let firstFailure: string | null = null;
  for (const attempt of attempts) {
    const failure = await tryBwrap(bwrapPath, attempt.seccomp, attempt.cap);
    if (failure === null) {
      const seccomp = attempt.seccomp !== null;
      return { available: true, kind: "bwrap", bwrapPath, seccomp, processCap: attempt.cap };
    }
    firstFailure ??= failure;
  }
  return { available: false, reason: `bubblewrap at ${bwrapPath} failed its self-test: ${firstFailure}` };
}

/** null when bwrap ran `true` successfully, else what went wrong. */
async function tryBwrap(
  bwrapPath: string,
  seccomp: Buffer | null,
  processCap: ProcessCap | null,
): Promise<string | null> {
  const args = ["--new-session", "--die-with-parent", "--unshare-user", "--unshare-pid", "--unshare-ipc"];
  args.push("--unshare-uts", "--unshare-net", "--cap-drop", "ALL");
  args.push("--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc");
  if (seccomp) args.push("--seccomp", "3");
  const cap = processCap ? processCapArgv(processCap, PROBE_PROCESS_LIMIT) : { outer: [], inner: [] };
  const result = await runProcess({
    argv: [...cap.outer, bwrapPath, ...args, "--", ...cap.inner, "true"],
    cwd: "/",
    env: { PATH: DEFAULT_PATH },
    timeoutMs: 10_000,
    killGraceMs: 500,
    maxOutputBytes: 8 * 1024,
    extraInputs: seccomp ? [seccomp] : [],
  });
  if (result.exitCode === 0) return null;
  const output = result.output.trim() || `exit code ${result.exitCode ?? result.signal}`;
  return `${output}${explainBwrapFailure(output)}`;
}

function explainBwrapFailure(output: string): string {
  const text = output.toLowerCase();
  if (/namespace|uid map|uid_map|setting up uid|no permissions to creat/.test(text)) {
    return (
      " (unprivileged user namespaces look disabled: check `sysctl user.max_user_namespaces`," +
      " `kernel.unprivileged_userns_clone`, or AppArmor's `kernel.apparmor_restrict_unprivileged_userns`)"
    );
  }
  if (text.includes("mount")) {
    return " (mounts are not allowed here, typical inside an unprivileged container)";
  }
  return "";
}

function untrustedDirs(options: ProbeOptions, env: NodeJS.ProcessEnv): string[] {
  const dirs = [options.cwd ?? process.cwd(), "/tmp", os.tmpdir(), ...(options.untrusted ?? [])];
  if (env.TMPDIR && path.isAbsolute(env.TMPDIR)) dirs.push(env.TMPDIR);
  return dirs;
}

/**
 * The sandbox's own programs (bwrap, prlimit) run with our full rights, so they are only taken
 * from where a sandboxed command cannot have planted them: the system folders first, then PATH,
 * always outside `untrusted` (the workspace, the writable roots, the temp folders) and only
 * where nobody but root or we can change the file or any folder above it. The real path is
 * returned, so no symlink on the way can be swapped later.
 */
export function findSystemProgram(
  name: string,
  searchPath: string,
  untrusted: readonly string[],
): string | null {
  const search = [...SYSTEM_DIRS, ...searchPath.split(path.delimiter)].join(path.delimiter);
  return findExecutable(name, search, { exclude: untrusted, tamperProof: true });
}

/** `bwrap` as `findSystemProgram` finds it. */
export function findBwrap(searchPath: string, untrusted: readonly string[]): string | null {
  return findSystemProgram("bwrap", searchPath, untrusted);
}
