import { buildCommandEnv } from "../exec/env.js";
import type { ShellEnvironmentPolicy } from "../exec/env-policy.js";
import { runProcess } from "../exec/run-process.js";
import type { CommandRequest, CommandResult, CommandRunner } from "../tools/tool.js";
import type { Clock } from "../util/clock.js";
import { wrapWithBwrap } from "./bwrap.js";
import type { SandboxMode } from "./policy.js";
import type { SandboxProbe } from "./probe.js";
import { planSandboxLayout } from "./protected-paths.js";
import { wrapWithSeatbelt } from "./seatbelt.js";
import { buildNetworkSeccompFilter } from "./seccomp.js";
import { SessionPins } from "./session-pins.js";

export type CommandRunnerDeps = {
  /** The result of `probeSandbox()`, taken once at startup. */
  sandbox: SandboxProbe;
  /** Our own environment, from which each command's clean environment is built. */
  env: NodeJS.ProcessEnv;
  /** Which of `env` commands inherit (config.toml's `[shell_environment_policy]`). */
  envPolicy?: ShellEnvironmentPolicy;
  /** Put before an unsandboxed command so it cannot outlive us (see `lifetimeWrapper`). */
  lifetimeWrapper?: readonly string[];
  /**
   * The session's pinned paths (see `SessionPins`), shared with every other place that starts
   * sandboxed commands for the session (its terminal sessions); a runner without one pins each
   * path the first time it starts a command there.
   */
  pins?: SessionPins;
  /** Times commands (timeouts, kill grace); default the system's. */
  clock?: Clock;
  /** Process timings (tests shorten them). */
  killGraceMs?: number;
  drainTimeoutMs?: number;
};

/** A command made ready to start under its policy: final argv and environment, or why it cannot run. */
export type SandboxedCommand =
  | {
      argv: string[];
      /** The complete environment of the child. */
      env: Record<string, string>;
      /** Bytes for fds 3, 4, ... (the seccomp filter); only for commands started with pipes. */
      extraInputs: Uint8Array[];
      /** Which wrapper confines the command ("none" for danger-full-access). */
      wrapper: "none" | "seatbelt" | "bwrap";
    }
  | { sandboxError: string };

/**
 * Builds the argv and environment that confine `request` to its policy, exactly as the runner
 * starts it; for callers that start the process themselves (interactive terminal sessions).
 * `danger-full-access` leaves the command as is; without a platform sandbox the other modes are
 * refused. With `tty`, bwrap runs without its seccomp filter (a terminal cannot carry the extra
 * file descriptor); the network namespace still applies.
 */
export function sandboxedArgv(
  deps: Pick<CommandRunnerDeps, "sandbox" | "env" | "envPolicy" | "lifetimeWrapper"> & { pins: SessionPins },
  request: Pick<CommandRequest, "argv" | "cwd" | "sandboxCwd" | "policy" | "env" | "tty">,
): SandboxedCommand {
  const { policy } = request;
  const env = buildCommandEnv(deps.env, {
    mode: policy.mode,
    networkAccess: policy.networkAccess,
    extra: request.env,
    policy: deps.envPolicy,
  });
  if (policy.mode === "danger-full-access") {
    const argv = [...(deps.lifetimeWrapper ?? []), ...request.argv];
    return { argv, env, extraInputs: [], wrapper: "none" };
  }

  const sandbox = deps.sandbox;
  if (!sandbox.available) {
    return {
      sandboxError: `no sandbox available: ${sandbox.reason}; refusing to run the command without the ${policy.mode} sandbox`,
    };
  }
  const layout = planSandboxLayout(policy, request.sandboxCwd, deps.env, deps.pins);
  if ("error" in layout) return { sandboxError: layout.error };
  if (sandbox.kind === "seatbelt") {
    const options = { policy, cwd: request.sandboxCwd, env: deps.env, layout };
    const argv = wrapWithSeatbelt(sandbox.sandboxExecPath, request.argv, options);
    return { argv, env, extraInputs: [], wrapper: "seatbelt" };
  }
  const filter = sandbox.seccomp && !policy.networkAccess ? buildNetworkSeccompFilter() : null;
  const argv = wrapWithBwrap(sandbox.bwrapPath, request.argv, {
    policy,
    cwd: request.sandboxCwd,
    chdir: request.cwd,
    newSession: !request.tty,
    env: deps.env,
    seccompFd: filter ? 3 : undefined,
    layout,
    processCap: sandbox.processCap,
  });
  if (filter && request.tty) {
    // A terminal cannot carry an extra file descriptor, so bash opens the filter on fd 3 itself,
    // from a pipe fed by its own argument, and then becomes bwrap.
    const feed = 'exec "$@" 3< <(printf %s "$0" | base64 -d)';
    return {
      argv: ["/bin/bash", "-c", feed, filter.toString("base64"), ...argv],
      env,
      extraInputs: [],
      wrapper: "bwrap",
    };
  }
  return { argv, env, extraInputs: filter ? [filter] : [], wrapper: "bwrap" };
}

/**
 * The one place one-shot commands are started. `danger-full-access` runs the command as is;
 * `read-only` and `workspace-write` run it inside the platform sandbox, and when there is none the
 * command is refused (a `sandboxError`), never run unconfined. An approved escalation is a request
 * whose policy is `danger-full-access`.
 *
 * `request.env` holds extra variables layered over the clean environment (see `buildCommandEnv`).
 */
export function createCommandRunner(deps: CommandRunnerDeps): CommandRunner {
  const pinned = { ...deps, pins: deps.pins ?? new SessionPins() };
  return async (request: CommandRequest): Promise<CommandResult> => {
    const prepared = sandboxedArgv(pinned, request);
    if ("sandboxError" in prepared) return refuse(prepared.sandboxError);
    const result = await runProcess({
      argv: prepared.argv,
      cwd: request.cwd,
      env: prepared.env,
      timeoutMs: request.timeoutMs,
      signal: request.signal,
      maxOutputBytes: request.maxOutputBytes,
      onOutput: request.onOutput,
      spillFile: request.spillFile,
      tty: request.tty,
      extraInputs: prepared.extraInputs,
      clock: deps.clock,
      killGraceMs: deps.killGraceMs,
      drainTimeoutMs: deps.drainTimeoutMs,
    });
    return prepared.wrapper === "bwrap" ? flagBwrapSetupFailure(result) : result;
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

function refuse(message: string): CommandResult {
  return {
    exitCode: null,
    signal: null,
    output: message,
    timedOut: false,
    aborted: false,
    durationMs: 0,
    totalBytes: 0,
    totalLines: 0,
    sandboxError: message,
  };
}

/** bwrap reports its own setup failures as `bwrap: ...` with exit code 1, before the command runs. */
function flagBwrapSetupFailure(result: CommandResult): CommandResult {
  if (result.exitCode !== 1 || !result.output.startsWith("bwrap: ")) return result;
  const firstLine = result.output.split("\n", 1)[0]!;
  return { ...result, sandboxError: `the sandbox could not start the command: ${firstLine}` };
}
