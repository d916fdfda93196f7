import fs from "node:fs";
import { DEFAULT_PATH } from "../exec/env.js";
import { runProcess } from "../exec/run-process.js";
import { findExecutable, isExecutableFile } from "../util/find-executable.js";
import { buildNetworkSeccompFilter } from "./seccomp.js";

/** What sandbox this machine can give us. Probe once at startup and keep the value. */
export type SandboxProbe =
  | {
      available: true;
      kind: "bwrap";
      bwrapPath: string;
      /** Whether bwrap accepted our seccomp network filter (`--seccomp`). */
      seccomp: boolean;
    }
  | { available: true; kind: "seatbelt"; sandboxExecPath: string }
  | { available: false; reason: string };

export type ProbeOptions = {
  platform?: NodeJS.Platform;
  /** Searched for `bwrap` on its PATH. */
  env?: NodeJS.ProcessEnv;
  /** Entries of PATH inside this directory are ignored: the workspace cannot plant its own bwrap. */
  cwd?: string;
  /** Use this bwrap instead of searching for one. */
  bwrapPath?: string;
};

export const SANDBOX_EXEC_PATH = "/usr/bin/sandbox-exec";
const SYSTEM_BWRAP = "/usr/bin/bwrap";
const INSTALL_HINT = "install bubblewrap (apt-get install bubblewrap, dnf install bubblewrap, ...)";

/**
 * Finds the platform's sandbox and, on Linux, proves it works by running `true` inside bwrap
 * with the namespaces and mounts we use (first with the seccomp filter, then without).
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
  const bwrapPath = options.bwrapPath ?? findBwrap(env.PATH ?? DEFAULT_PATH, options.cwd ?? process.cwd());
  if (!bwrapPath || !isExecutableFile(bwrapPath)) {
    return { available: false, reason: `bubblewrap (bwrap) not found; ${INSTALL_HINT}` };
  }

  const filter = buildNetworkSeccompFilter();
  if (filter) {
    const withSeccomp = await tryBwrap(bwrapPath, filter);
    if (withSeccomp === null) return { available: true, kind: "bwrap", bwrapPath, seccomp: true };
  }
  const failure = await tryBwrap(bwrapPath, null);
  if (failure === null) return { available: true, kind: "bwrap", bwrapPath, seccomp: false };
  return { available: false, reason: `bubblewrap at ${bwrapPath} failed its self-test: ${failure}` };
}

/** null when bwrap ran `true` successfully, else what went wrong. */
async function tryBwrap(bwrapPath: string, seccomp: Buffer | null): Promise<string | null> {
  const args = ["--new-session", "--die-with-parent", "--unshare-user", "--unshare-pid", "--unshare-ipc"];
  args.push("--unshare-uts", "--unshare-net", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc");
  if (seccomp) args.push("--seccomp", "3");
  const result = await runProcess({
    argv: [bwrapPath, ...args, "--", "true"],
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

/** First executable `bwrap` on PATH outside `cwd` (absolute entries only), else the usual place. */
export function findBwrap(searchPath: string, cwd: string): string | null {
  const found = findExecutable("bwrap", searchPath, { exclude: [cwd] });
  if (found) return found;
  return isExecutableFile(SYSTEM_BWRAP) ? SYSTEM_BWRAP : null;
}
