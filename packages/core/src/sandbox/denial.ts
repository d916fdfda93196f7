import type { CommandResult } from "../tools/tool.js";

/** Phrases that tools print when the sandbox (not the command's own logic) stopped them. */
export const SANDBOX_DENIAL_KEYWORDS = [
  "operation not permitted",
  "permission denied",
  "read-only file system",
  "seccomp",
  "sandbox",
  "landlock",
  "failed to write file",
  // Network calls refused by the network namespace or the seccomp filter.
  "network is unreachable",
  "could not resolve host",
  "temporary failure in name resolution",
] as const;

/**
 * Exit codes that mean something else: 126 "found but not executable", 127 "command not found".
 * Codex also rejects 2 ("bad usage") up front, but `sh` (dash) exits 2 when a redirection fails,
 * as in `echo x > /outside/file` under the sandbox, so 2 still goes through the keyword check.
 */
const NOT_A_DENIAL_EXIT_CODES = new Set([126, 127]);

/**
 * Whether a failed sandboxed command was most likely stopped by the sandbox, so that retrying it
 * without one (after approval) could help. A heuristic: a wrong "yes" costs one approval prompt,
 * a wrong "no" leaves the model to ask for escalation itself.
 */
export function isLikelySandboxDenial(result: CommandResult): boolean {
  if (result.sandboxError) return true;
  if (result.timedOut || result.aborted) return false;
  if (result.signal === "SIGSYS") return true;
  if (result.exitCode === 0 || result.exitCode === null) return false;
  if (NOT_A_DENIAL_EXIT_CODES.has(result.exitCode)) return false;
  const output = result.output.toLowerCase();
  return SANDBOX_DENIAL_KEYWORDS.some((keyword) => output.includes(keyword));
}
