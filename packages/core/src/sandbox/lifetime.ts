/**
 * What ties an unsandboxed command (danger-full-access, an approved escalation) to nightshift's
 * life, so nothing it started keeps running after nightshift is gone, even after a SIGKILL:
 *
 * - `setpriv --pdeathsig KILL`: the command dies with us.
 * - as root, also `unshare --pid --fork --kill-child`: the command runs in a PID namespace of its
 *   own, and when its first process dies the kernel kills everything else in it, background jobs
 *   and daemons included. That first process is a small `sh` that runs the command and waits: the
 *   first process of a namespace ignores signals it has no handler for, so it traps the stop
 *   signals (a timeout's SIGTERM, an interrupt) and exits, which ends the whole namespace. Without
 *   root the namespace would need a user namespace, which changes what the command may do (no
 *   sudo), so only the first part applies.
 *
 * Sandboxed commands need none of this: bubblewrap already runs them in a PID namespace that dies
 * with it, and with us.
 */
export function lifetimeWrapper(find: (program: string) => string | null, uid: number | undefined): string[] {
  const setpriv = find("setpriv");
  if (!setpriv) return [];
  const pdeathsig = [setpriv, "--pdeathsig", "KILL", "--"];
  const unshare = uid === 0 ? find("unshare") : null;
  const sh = find("sh");
  if (!unshare || !sh) return pdeathsig;
  return [...pdeathsig, unshare, "--pid", "--fork", "--kill-child", "--", sh, "-c", NAMESPACE_INIT, "sh"];
}

/**
 * The namespace's first process: stop signals end it (and with it the namespace); the command keeps
 * its standard input (an `&` job of a non-interactive shell would get /dev/null) and its exit status.
 */
const NAMESPACE_INIT =
  "trap 'exit 143' TERM; trap 'exit 130' INT; trap 'exit 129' HUP; exec 3<&0; \"$@\" <&3 3<&- & wait $!";
