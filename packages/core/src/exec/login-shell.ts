import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import type { SandboxPolicy } from "../sandbox/policy.js";
import type { CommandResult, CommandRunner } from "../tools/tool.js";

/** How long the login profile may take to run once, and the snapshot to load, before we give up. */
export const LOGIN_CAPTURE_TIMEOUT_MS = 10_000;
/** A bigger snapshot is refused (the command then runs as `bash -lc`, reading the profile). */
export const MAX_SNAPSHOT_BYTES = 1024 * 1024;
/** The snapshot's file name in the session's scratch folder. */
export const SNAPSHOT_FILE_NAME = "login-shell.sh";

/** Where and how the capture runs: exactly as the session's commands do. */
export type LoginShellRun = {
  runCommand: CommandRunner;
  /** The session's policy: the profile runs in the sandbox commands run in. */
  policy: SandboxPolicy;
  /** The session's working directory. */
  cwd: string;
  /** The session's scratch folder (readable, not writable, inside the sandbox). */
  scratchDir: string;
  signal?: AbortSignal;
};

/** Variables that belong to one shell process or to one run's sandbox, never to the snapshot. */
const PER_PROCESS_VARIABLES = "PWD|OLDPWD|SHLVL|_|SHELLOPTS|BASHOPTS|BASH_*|NIGHTSHIFT_SANDBOX*";
/** Options a script cannot or should not get back from the snapshot. */
const SKIPPED_OPTIONS = new Set([
  "login_shell",
  "restricted_shell",
  "history",
  "monitor",
  "emacs",
  "vi",
  "noexec",
  "onecmd",
]);

/** How `bash -lc` commands run for the rest of the session. */
type Capture =
  /** Loading this snapshot. */
  | { kind: "snapshot"; file: string }
  /** As they are, reading the profile each time (the capture failed). */
  | { kind: "as-is" }
  /** Without the profile, which did not finish in time once already. */
  | { kind: "no-profile" };

/** What to start for a command, and what the model should be told about it. */
export type LoginShellCommand = { argv: string[]; note?: string };

/**
 * `bash -lc "<script>"` without running the login profile for every command: the profile runs
 * once per session, in the session's sandbox, and what it leaves behind (exported variables,
 * functions, aliases, shell options; variables it unset are unset) is written to a snapshot in
 * the scratch folder. Each later `bash -lc "<script>"` runs as `bash -c ". <snapshot>
 * <script>"`, which gives the script what the profile would have given it, without the
 * profile's cost. The capture is checked by loading the snapshot once inside the sandbox; when
 * anything fails (no bash, a profile that exits or replaces the shell, output that cannot be
 * read, a snapshot that does not load cleanly) the session keeps running commands as they are.
 * A profile that does not finish within the timeout would hang every command: the session then
 * runs `bash -lc` scripts without it, and tells the model so.
 *
 * Differences from a real login shell, all minor: the profile's side effects happen once,
 * `shopt login_shell` is off, `~/.bash_logout` does not run, and `$LINENO` counts one more line.
 * One per session (see `ToolContext.loginShell`); it keeps only its own state.
 */
export class LoginShellSnapshot {
  #capture: Promise<Capture> | null = null;
  readonly #timeoutMs: number;

  constructor(options: { timeoutMs?: number } = {}) {
    this.#timeoutMs = options.timeoutMs ?? LOGIN_CAPTURE_TIMEOUT_MS;
  }

  /** What to start for `argv`: a `bash -lc` command rewritten to load the snapshot, else `argv`. */
  async commandFor(argv: readonly string[], run: LoginShellRun): Promise<LoginShellCommand> {
    const login = loginScript(argv);
    if (!login) return { argv: [...argv] };
    const capture = await this.#captured(run);
    switch (capture.kind) {
      case "snapshot":
        return {
          argv: [login.shell, "-c", `. ${singleQuote(capture.file)}\n${login.script}`, ...login.rest],
        };
      case "as-is":
        return { argv: [...argv] };
      case "no-profile":
        return {
          argv: [login.shell, "-c", login.script, ...login.rest],
          note: `The login profile did not finish within ${this.#timeoutMs / 1000} s, so this ran without it (as bash -c).`,
        };
    }
  }

  #captured(run: LoginShellRun): Promise<Capture> {
    if (!this.#capture) {
      const attempt = captureLoginShell(run, this.#timeoutMs);
      this.#capture = attempt;
      // A capture the caller aborted says nothing about the profile: try again next time.
      void attempt.then(() => {
        if (run.signal?.aborted && this.#capture === attempt) this.#capture = null;
      });
    }
    return this.#capture;
  }
}

/** `bash -lc SCRIPT [ARG0 ARGS...]` (also `-l -c`, `--login -c`), else null. */
export function loginScript(
  argv: readonly string[],
): { shell: string; script: string; rest: string[] } | null {
  const [shell, ...args] = argv;
  if (shell === undefined || path.basename(shell) !== "bash") return null;
  const flags =
    args[0] === "-lc" ? 1 : (args[0] === "-l" || args[0] === "--login") && args[1] === "-c" ? 2 : 0;
  const script = flags ? args[flags] : undefined;
  if (script === undefined) return null;
  return { shell, script, rest: args.slice(flags + 1) };
}

/** Runs the profile once and writes the snapshot. */
async function captureLoginShell(run: LoginShellRun, timeoutMs: number): Promise<Capture> {
  const mark = `__nightshift_${randomUUID().replaceAll("-", "")}`;
  // The profile's stderr goes nowhere: stdout and stderr reach us through two pipes, in no fixed
  // order, and a late warning must not land inside the snapshot.
  const login = 'exec 2>/dev/null </dev/null; exec bash -lc "$1"';
  const captured = await runOnce(run, ["bash", "-c", login, "bash", captureScript(mark)], timeoutMs);
  if (captured === "timed-out") return { kind: "no-profile" };
  const snapshot = captured && snapshotFromOutput(captured.output, mark);
  if (!snapshot) return { kind: "as-is" };
  const file = path.join(run.scratchDir, SNAPSHOT_FILE_NAME);
  try {
    await fs.writeFile(file, snapshot, { mode: 0o600 });
  } catch {
    return { kind: "as-is" };
  }
  // Loaded once where commands run: it must be readable there and load without a word.
  const check = await runOnce(run, ["bash", "-c", `. ${singleQuote(file)}`], timeoutMs);
  if (check !== null && check !== "timed-out" && check.output === "") return { kind: "snapshot", file };
  await fs.rm(file, { force: true });
  return { kind: "as-is" };
}

/** The result of a command that succeeded and printed all it had to say, else why not. */
async function runOnce(
  run: LoginShellRun,
  argv: string[],
  timeoutMs: number,
): Promise<CommandResult | "timed-out" | null> {
  try {
    const result = await run.runCommand({
      argv,
      cwd: run.cwd,
      sandboxCwd: run.cwd,
      timeoutMs,
      signal: run.signal,
      policy: run.policy,
      maxOutputBytes: MAX_SNAPSHOT_BYTES + 64 * 1024,
    });
    if (result.timedOut) return "timed-out";
    const ok = result.exitCode === 0 && !result.aborted && !result.sandboxError;
    return ok && result.totalBytes === Buffer.byteLength(result.output) ? result : null;
  } catch {
    return null;
  }
}

/**
 * The script run as `bash -lc` after the profile: the shell's state between markers, one
 * section per kind. Its own variables are neither exported nor kept.
 */
function captureScript(mark: string): string {
  return [
    "type compgen >/dev/null || exit 1",
    `printf '\\n%s\\n' '${mark}:variables'`,
    "for __ns_name in $(compgen -e); do",
    `  case $__ns_name in ${PER_PROCESS_VARIABLES}) ;; *) declare -p "$__ns_name" ;; esac`,
    "done",
    // Variables we started the shell with that the profile unset.
    "if [ -r /proc/$$/environ ]; then",
    "  while IFS= read -r -d '' __ns_pair; do",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the shell's ${...}, on purpose
    "    __ns_name=${__ns_pair%%=*}",
    `    case $__ns_name in ${PER_PROCESS_VARIABLES}) continue ;; esac`,
    "    [[ $__ns_name =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || continue",
    '    [ -n "$(compgen -e -X "!$__ns_name")" ] || printf \'unset %s\\n\' "$__ns_name"',
    "  done < /proc/$$/environ",
    "fi",
    `printf '\\n%s\\n' '${mark}:functions'`,
    "declare -f",
    "declare -Fx",
    "alias -p",
    `printf '\\n%s\\n' '${mark}:options'`,
    "shopt -p",
    "set +o",
    `printf '\\n%s\\n' '${mark}:end'`,
  ].join("\n");
}

/** The snapshot file's text from the capture's output, or null when the output is not whole. */
export function snapshotFromOutput(output: string, mark: string): string | null {
  const sections = ["variables", "functions", "options", "end"].map((name) => `\n${mark}:${name}\n`);
  const at = sections.map((section) => output.lastIndexOf(section));
  if (at.some((index, i) => index < 0 || (i > 0 && index < at[i - 1]!))) return null;
  const part = (i: number) => output.slice(at[i]! + sections[i]!.length, at[i + 1]);
  const options = part(2)
    .split("\n")
    .filter((line) => {
      const option = /^(?:shopt -[su]|set [-+]o) ([\w-]+)$/.exec(line)?.[1];
      return option !== undefined && !SKIPPED_OPTIONS.has(option);
    });
  const text = [
    "# nightshift: the login shell's state, captured once per session; loaded before each `bash -lc` command.",
    part(0),
    part(1),
    // Options last: `set -e` or `set -u` from the profile must not stop the snapshot itself.
    ...options,
    "",
  ].join("\n");
  return Buffer.byteLength(text) <= MAX_SNAPSHOT_BYTES ? text : null;
}

function singleQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
