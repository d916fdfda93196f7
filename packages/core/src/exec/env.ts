import { inheritedEnv, type ShellEnvironmentPolicy } from "./env-policy.js";

export { INHERITED_ENV_VARS } from "./env-policy.js";

import type { SandboxMode } from "../sandbox/policy.js";

/** Used when our own environment has no PATH. */
export const DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** Set on every command: plain, non-interactive, deterministic output. */
export const FORCED_ENV: Readonly<Record<string, string>> = {
  NO_COLOR: "1",
  TERM: "dumb",
  PAGER: "cat",
  GIT_PAGER: "cat",
  GH_PAGER: "cat",
  LANG: "C.UTF-8",
  LC_ALL: "C.UTF-8",
};

export type CommandEnvOptions = {
  /** The sandbox the command runs under (after any approved escalation). */
  mode: SandboxMode;
  networkAccess: boolean;
  /** Extra variables (from config or the tool call); they cannot override the sandbox markers. */
  extra?: Record<string, string>;
  /** config.toml's `[shell_environment_policy]`; absent: only INHERITED_ENV_VARS. */
  policy?: ShellEnvironmentPolicy;
};

/** The clean environment for a command, built from `parentEnv` (pure). */
export function buildCommandEnv(
  parentEnv: NodeJS.ProcessEnv,
  options: CommandEnvOptions,
): Record<string, string> {
  const env = inheritedEnv(parentEnv, options.policy);
  env.PATH ??= DEFAULT_PATH;
  // Config may override the forced defaults (say TERM), never the sandbox markers below.
  Object.assign(env, FORCED_ENV, options.extra);
  for (const name of Object.keys(env)) {
    if (name.startsWith("NIGHTSHIFT_SANDBOX")) delete env[name];
  }
  env.NIGHTSHIFT_SANDBOX = options.mode;
  if (options.mode !== "danger-full-access" && !options.networkAccess) {
    env.NIGHTSHIFT_SANDBOX_NETWORK_DISABLED = "1";
  }
  return env;
}
