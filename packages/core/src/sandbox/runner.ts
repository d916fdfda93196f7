import { buildCommandEnv } from "../exec/env.js";
import { type ProcessRequest, runProcess } from "../exec/run-process.js";
import type { CommandRequest, CommandResult, CommandRunner } from "../tools/tool.js";
import { wrapWithBwrap } from "./bwrap.js";
import type { SandboxMode } from "./policy.js";
import type { SandboxProbe } from "./probe.js";
import { wrapWithSeatbelt } from "./seatbelt.js";
import { buildNetworkSeccompFilter } from "./seccomp.js";

export type CommandRunnerDeps = {
  /** The result of `probeSandbox()`, taken once at startup. */
  sandbox: SandboxProbe;
  /** Our own environment, from which each command's clean environment is built. */
  env: NodeJS.ProcessEnv;
  /** Process timings (tests shorten them). */
  killGraceMs?: number;
  drainTimeoutMs?: number;
};

/**
 * The one place commands are started. `danger-full-access` runs the command as is; `read-only`
 * and `workspace-write` run it inside the platform sandbox, and when there is none the command is
 * refused (a `sandboxError`), never run unconfined. An approved escalation is a request whose
 * policy is `danger-full-access`.
 *
 * `request.env` holds extra variables layered over the clean environment (see `buildCommandEnv`).
 * With `tty`, the bwrap sandbox runs without its seccomp filter (a terminal cannot carry the extra
 * file descriptor); the network namespace still applies.
 */
export function createCommandRunner(deps: CommandRunnerDeps): CommandRunner {
  return async (request: CommandRequest): Promise<CommandResult> => {
    const { policy } = request;
    const base: Omit<ProcessRequest, "argv"> = {
      cwd: request.cwd,
      env: buildCommandEnv(deps.env, {
        mode: policy.mode,
        networkAccess: policy.networkAccess,
        extra: request.env,
      }),
      timeoutMs: request.timeoutMs,
      signal: request.signal,
      maxOutputBytes: request.maxOutputBytes,
      onOutput: request.onOutput,
      spillFile: request.spillFile,
      tty: request.tty,
      killGraceMs: deps.killGraceMs,
      drainTimeoutMs: deps.drainTimeoutMs,
    };
    if (policy.mode === "danger-full-access") return runProcess({ ...base, argv: request.argv });

    const sandbox = deps.sandbox;
    if (!sandbox.available) return refuse(`no sandbox available: ${sandbox.reason}`, policy.mode);
    if (sandbox.kind === "seatbelt") {
      const options = { policy, cwd: request.cwd, env: deps.env };
      return runProcess({ ...base, argv: wrapWithSeatbelt(sandbox.sandboxExecPath, request.argv, options) });
    }
    const filter =
      sandbox.seccomp && !policy.networkAccess && !request.tty ? buildNetworkSeccompFilter() : null;
    const argv = wrapWithBwrap(sandbox.bwrapPath, request.argv, {
      policy,
      cwd: request.cwd,
      env: deps.env,
      seccompFd: filter ? 3 : undefined,
    });
    const result = await runProcess({ ...base, argv, extraInputs: filter ? [filter] : [] });
    return flagBwrapSetupFailure(result);
  };
}

/**
 * The message the CLI shows before refusing to start, when the chosen mode needs a sandbox this
 * machine does not have; null when the mode can be honoured.
 */
export function assertSandboxUsable(mode: SandboxMode, probe: SandboxProbe): string | null {
  if (mode === "danger-full-access" || probe.available) return null;
  return (
    `sandbox mode "${mode}" needs a sandbox, but none is available: ${probe.reason}. ` +
    `Fix that, or run with --sandbox danger-full-access inside an environment that is isolated already.`
  );
}

function refuse(reason: string, mode: SandboxMode): CommandResult {
  const message = `${reason}; refusing to run the command without the ${mode} sandbox`;
  return {
    exitCode: null,
    signal: null,
    output: message,
    timedOut: false,
    aborted: false,
    durationMs: 0,
    totalBytes: 0,
    sandboxError: message,
  };
}

/** bwrap reports its own setup failures as `bwrap: ...` with exit code 1, before the command runs. */
function flagBwrapSetupFailure(result: CommandResult): CommandResult {
  if (result.exitCode !== 1 || !result.output.startsWith("bwrap: ")) return result;
  const firstLine = result.output.split("\n", 1)[0]!;
  return { ...result, sandboxError: `the sandbox could not start the command: ${firstLine}` };
}
