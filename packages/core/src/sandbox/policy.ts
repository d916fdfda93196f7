import path from "node:path";

export type SandboxMode = "read-only" | "workspace-write" | "danger-full-access";
export type ApprovalPolicy = "untrusted" | "on-failure" | "on-request" | "never";

export const SANDBOX_MODES: readonly SandboxMode[] = ["read-only", "workspace-write", "danger-full-access"];
export const APPROVAL_POLICIES: readonly ApprovalPolicy[] = [
  "untrusted",
  "on-failure",
  "on-request",
  "never",
];

/** What a command or a file edit may touch. */
export type SandboxPolicy = {
  mode: SandboxMode;
  /** Extra writable roots for workspace-write (absolute paths). */
  writableRoots: string[];
  networkAccess: boolean;
  /** Exclude $TMPDIR / /tmp from the writable roots. */
  excludeTmpdirEnvVar?: boolean;
  excludeSlashTmp?: boolean;
};

/** Directories inside a writable root that stay read-only. */
export const PROTECTED_SUBDIRS = [".git", ".nightshift", ".agents", ".codex"] as const;

/** The writable roots of a policy for a given working directory, absolute and de-duplicated. */
export function writableRoots(policy: SandboxPolicy, cwd: string, env: NodeJS.ProcessEnv = {}): string[] {
  if (policy.mode !== "workspace-write") return [];
  const roots = [cwd, ...policy.writableRoots];
  if (!policy.excludeSlashTmp) roots.push("/tmp");
  if (!policy.excludeTmpdirEnvVar && env.TMPDIR) roots.push(env.TMPDIR);
  return [...new Set(roots.map((root) => path.resolve(cwd, root)))];
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/**
 * Whether `target` (an absolute path, already resolved through symlinks by the caller) may be
 * written under `policy`.
 */
export function isPathWritable(
  policy: SandboxPolicy,
  cwd: string,
  target: string,
  env: NodeJS.ProcessEnv = {},
): boolean {
  if (policy.mode === "danger-full-access") return true;
  if (policy.mode === "read-only") return false;
  const roots = writableRoots(policy, cwd, env);
  // A protected folder of one root stays read-only even when an enclosing root (such as /tmp) covers it.
  const inProtected = roots.some((root) =>
    PROTECTED_SUBDIRS.some((sub) => isInside(target, path.join(root, sub))),
  );
  return !inProtected && roots.some((root) => isInside(target, root));
}
