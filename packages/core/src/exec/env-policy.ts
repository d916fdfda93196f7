/**
 * Variables a command inherits from our own environment. Everything else (API keys, tokens,
 * cloud credentials) stays with us: a command the model writes never sees it.
 */
export const INHERITED_ENV_VARS = [
  "HOME",
  "PATH",
  "USER",
  "LOGNAME",
  "SHELL",
  "TMPDIR",
  "TZ",
  // Proxies are needed for network access where it is allowed, and carry no secret of ours.
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "http_proxy",
  "https_proxy",
  "no_proxy",
] as const;

/**
 * config.toml's `[shell_environment_policy]`, as Codex reads it: which of our variables a command
 * gets. Without one, nightshift passes only the few harmless variables of INHERITED_ENV_VARS.
 */
export type ShellEnvironmentPolicy = {
  /** Where to start: every variable, the core ones, or none (Codex's default is "all"). */
  inherit?: "all" | "core" | "none";
  /** Keep names containing KEY, SECRET or TOKEN (dropped by default). */
  ignoreDefaultExcludes?: boolean;
  /** Glob patterns (`*`, `?`, case-insensitive) of names to drop. */
  exclude?: string[];
  /** Variables to set (after the excludes). */
  set?: Record<string, string>;
  /** When given, only names matching one of these patterns stay. */
  includeOnly?: string[];
};

/** Codex's "core" set. */
const CORE_VARS = ["HOME", "LOGNAME", "PATH", "SHELL", "USER", "USERNAME", "TMPDIR", "TEMP", "TMP"];
const DEFAULT_EXCLUDES = ["*KEY*", "*SECRET*", "*TOKEN*"];

/** The variables of `parent` a command inherits under `policy` (none given: the safe default). */
export function inheritedEnv(
  parent: NodeJS.ProcessEnv,
  policy: ShellEnvironmentPolicy | undefined,
): Record<string, string> {
  const pick = (names: readonly string[]) =>
    Object.fromEntries(names.flatMap((name) => (parent[name] === undefined ? [] : [[name, parent[name]!]])));
  if (!policy) return pick(INHERITED_ENV_VARS);
  const inherit = policy.inherit ?? "all";
  let env: Record<string, string> =
    inherit === "all"
      ? Object.fromEntries(
          Object.entries(parent).filter((entry): entry is [string, string] => entry[1] !== undefined),
        )
      : inherit === "core"
        ? pick(CORE_VARS)
        : {};
  const drop = [...(policy.ignoreDefaultExcludes ? [] : DEFAULT_EXCLUDES), ...(policy.exclude ?? [])].map(
    globOf,
  );
  env = Object.fromEntries(
    Object.entries(env).filter(([name]) => !drop.some((pattern) => pattern.test(name))),
  );
  Object.assign(env, policy.set ?? {});
  if (policy.includeOnly && policy.includeOnly.length > 0) {
    const keep = policy.includeOnly.map(globOf);
    env = Object.fromEntries(
      Object.entries(env).filter(([name]) => keep.some((pattern) => pattern.test(name))),
    );
  }
  return env;
}

function globOf(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${body}$`, "i");
}
