import type { SandboxMode, SandboxPolicy } from "../sandbox/policy.js";
import { isPathInside } from "../util/paths.js";
import type { RuntimeConfig } from "./config/resolve.js";

/**
 * The most a session may be allowed: what the operator configured (`nightshift mcp-server -c …`).
 * A client's request can only tighten it: a narrower sandbox, no network, fewer writable roots.
 */
export type SessionCeiling = { sandbox: SandboxPolicy };

const SANDBOX_RANK: Record<SandboxMode, number> = {
  "read-only": 0,
  "workspace-write": 1,
  "danger-full-access": 2,
};

/** The runtime with its sandbox brought under the ceiling, and what was lowered (for the client). */
export function clampToCeiling(
  runtime: RuntimeConfig,
  ceiling: SessionCeiling,
): { runtime: RuntimeConfig; warnings: string[] } {
  const warnings: string[] = [];
  const top = ceiling.sandbox;
  const wanted = runtime.sandbox;
  let mode = wanted.mode;
  if (SANDBOX_RANK[mode] > SANDBOX_RANK[top.mode]) {
    warnings.push(`sandbox "${mode}" is above what the operator allows; using "${top.mode}"`);
    mode = top.mode;
  }
  let networkAccess = wanted.networkAccess;
  const topNetwork = top.mode === "danger-full-access" || top.networkAccess;
  if (networkAccess && !topNetwork) {
    warnings.push("network access is not allowed by the operator's configuration; it stays off");
    networkAccess = false;
  }
  const allowedRoots = [runtime.cwd, ...top.writableRoots];
  const writableRoots = wanted.writableRoots.filter((root) => {
    const inside =
      top.mode === "danger-full-access" || allowedRoots.some((allowed) => isPathInside(root, allowed));
    if (!inside) warnings.push(`writable root ${root} is outside what the operator allows; left read-only`);
    return inside;
  });
  const sandbox: SandboxPolicy = {
    ...wanted,
    mode,
    networkAccess,
    writableRoots,
    // A client cannot re-open /tmp or $TMPDIR the operator closed.
    excludeSlashTmp: wanted.excludeSlashTmp || top.excludeSlashTmp,
    excludeTmpdirEnvVar: wanted.excludeTmpdirEnvVar || top.excludeTmpdirEnvVar,
    protectedPaths: [...new Set([...(top.protectedPaths ?? []), ...(wanted.protectedPaths ?? [])])],
  };
  return { runtime: { ...runtime, sandbox }, warnings };
}
