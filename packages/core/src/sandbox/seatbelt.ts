import type { SandboxPolicy } from "./policy.js";
import { planSandboxLayout, type SandboxLayout } from "./protected-paths.js";

/**
 * The macOS sandbox: a Seatbelt (SBPL) profile for `/usr/bin/sandbox-exec`, same intent as the
 * bubblewrap setup on Linux. Paths are passed as `-D` parameters, never spliced into the profile
 * text, so no path can change the profile's meaning. Seatbelt matches real paths, hence the
 * realpath'd roots (`/tmp` is `/private/tmp` there).
 *
 * EXPERIMENTAL: not exercised by this repository's tests (they run on Linux), see
 * docs/security.md. Seatbelt has no mounts, so folders that must keep their place (the layout's
 * anchors, roots and protected paths) are denied writes on their own entry, which is meant to
 * refuse renaming or removing them; there is no process cap here.
 */
const BASE_PROFILE = `(version 1)
; Everything not allowed below is denied.
(deny default)

; Run programs, fork, and signal or inspect processes of this same sandbox.
(allow process-exec process-fork)
(allow signal (target same-sandbox))
(allow process-info* (target same-sandbox))

; Reading is allowed everywhere; writing only where the rules further down say.
(allow file-read*)
(allow file-write-data
  (literal "/dev/null") (literal "/dev/zero") (regex #"^/dev/fd/[0-9]+$") (regex #"^/dev/tty"))
(allow file-ioctl (regex #"^/dev/tty"))
(allow pseudo-tty)

; What ordinary command-line tools ask the system for.
(allow sysctl-read)
(allow user-preference-read)
(allow ipc-posix-sem)
(allow mach-lookup
  (global-name "com.apple.system.opendirectoryd.libinfo")
  (global-name "com.apple.system.notification_center")
  (global-name "com.apple.system.logger"))
`;

const NETWORK_RULES = `
; Network access is on for this policy.
(allow network-outbound network-inbound system-socket)
(allow mach-lookup (global-name "com.apple.SystemConfiguration.configd") (global-name "com.apple.dnssd.service"))
`;

export type SeatbeltProfile = { profile: string; params: Record<string, string> };

export function buildSeatbeltProfile(
  policy: SandboxPolicy,
  cwd: string,
  env: NodeJS.ProcessEnv,
  layout?: SandboxLayout,
): SeatbeltProfile {
  const params: Record<string, string> = {};
  const rules: string[] = [];
  const plan = layout ?? planOrThrow(policy, cwd, env);
  const exceptions = plan.readOnly.map((target, j) => {
    const param = `READ_ONLY_${j}`;
    params[param] = target;
    return ` (require-not (subpath (param "${param}")))`;
  });
  plan.roots.forEach((root, i) => {
    const rootParam = `WRITABLE_ROOT_${i}`;
    params[rootParam] = root;
    rules.push(`(allow file-write* (require-all (subpath (param "${rootParam}"))${exceptions.join("")}))`);
  });
  const pinned = [...plan.roots, ...plan.anchors, ...plan.readOnly].map((target, k) => {
    const param = `PINNED_${k}`;
    params[param] = target;
    return `(deny file-write* (literal (param "${param}")))`;
  });
  const writable =
    rules.length > 0
      ? `\n; Writable roots, minus their protected subdirectories.\n${rules.join("\n")}\n` +
        `; Folders that must keep their place: no rename or removal of the entry itself.\n${pinned.join("\n")}\n`
      : "";
  const network = policy.networkAccess ? NETWORK_RULES : "";
  return { profile: `${BASE_PROFILE}${writable}${network}`, params };
}

function planOrThrow(policy: SandboxPolicy, cwd: string, env: NodeJS.ProcessEnv): SandboxLayout {
  const layout = planSandboxLayout(policy, cwd, env);
  if ("error" in layout) throw new Error(layout.error);
  return layout;
}

/** The full argv: `sandbox-exec -p <profile> -D<k>=<v>... -- <command>`. */
export function wrapWithSeatbelt(
  sandboxExecPath: string,
  argv: string[],
  options: { policy: SandboxPolicy; cwd: string; env: NodeJS.ProcessEnv; layout?: SandboxLayout },
): string[] {
  const { profile, params } = buildSeatbeltProfile(options.policy, options.cwd, options.env, options.layout);
  const defines = Object.entries(params).map(([key, value]) => `-D${key}=${value}`);
  return [sandboxExecPath, "-p", profile, ...defines, "--", ...argv];
}
