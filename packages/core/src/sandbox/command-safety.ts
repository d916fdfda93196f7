import { analyzeBashScript, type BashParser, type BashScriptAnalysis } from "./bash-script.js";
import { isLongOption, operandCount, optionValue, shortOptionIn, type ValuedOptions } from "./getopt.js";

/**
 * Which commands may run without asking (known-safe: they only read) and which deserve a
 * question even when the policy would let them run (dangerous: they destroy data in one go).
 * Both look at the literal argv. Commands are matched by bare name only: `./ls` or `/tmp/x/cat`
 * could be anything. Shell wrappers (`bash -lc "<script>"`) are judged by their script, which
 * needs a `BashParser`; without one a wrapped script is never known-safe.
 *
 * Long options are matched the way getopt_long reads them: `--recu` is `--recursive` when no
 * other option starts so. Options that make a command unsafe or dangerous match every
 * abbreviation (an ambiguous one makes the program fail, so counting it costs nothing); options
 * that make a command safe match only when spelled out.
 */

/** Read-only whatever their arguments. */
const ALWAYS_SAFE = new Set([
  "cat",
  "cd",
  "cut",
  "echo",
  "expr",
  "false",
  "grep",
  "head",
  "id",
  "ls",
  "nl",
  "numfmt",
  "paste",
  "pwd",
  "rev",
  "seq",
  "stat",
  "tac",
  "tail",
  "tr",
  "true",
  "uname",
  "wc",
  "which",
  "whoami",
]);

/** `find` options that run programs, delete, or write files. */
const FIND_UNSAFE = new Set([
  "-exec",
  "-execdir",
  "-ok",
  "-okdir",
  "-delete",
  "-fls",
  "-fprint",
  "-fprint0",
  "-fprintf",
]);
/**
 * `git status`, `diff`, `log` and `show` are not known-safe (Codex counts them so): a
 * repository's own config makes them run programs: `core.fsmonitor` and the `post-index-change`
 * hook (status, diff), clean filters (diff, status), `diff.external`, diff drivers and
 * `textconv` (diff, log -p, show), `gpg.program` with `log.showSignature` (log, show). No `-c`
 * or environment setting switches all of these off (filter and diff drivers have names the
 * repository chooses), and a model can plant such a repository in any folder it may write.
 * A `git branch` listing reads refs only and runs none of them.
 */
const GIT_BRANCH_LISTING = new Set([
  "-a",
  "--all",
  "-r",
  "--remotes",
  "-v",
  "-vv",
  "--verbose",
  "-l",
  "--list",
  "--show-current",
  "--no-color",
  "--no-abbrev",
  "--no-column",
]);
const SHELLS = new Set(["bash", "sh", "zsh", "dash"]);
const MAX_NESTING = 4;

/** The script of `bash -c <script>` / `bash -lc <script>` (also sh, zsh, dash), else null. */
export function shellWrapperScript(argv: readonly string[]): string | null {
  if (argv.length !== 3 || !SHELLS.has(argv[0]!) || (argv[1] !== "-c" && argv[1] !== "-lc")) return null;
  return argv[2]!;
}

/** Both verdicts on one command; each shell script in it is parsed once. */
export type CommandAnalysis = {
  /** Only reads, whatever it is given: may run without asking. */
  knownSafe: boolean;
  /** Destroys data irreversibly in one go (see `isDangerousCommand`). */
  dangerous: boolean;
};

export function analyzeCommand(argv: readonly string[], bash?: BashParser): CommandAnalysis {
  const scripts = new Map<string, BashScriptAnalysis>();
  const parse = bash
    ? (script: string) => {
        let analysis = scripts.get(script);
        if (!analysis) {
          analysis = analyzeBashScript(script, bash);
          scripts.set(script, analysis);
        }
        return analysis;
      }
    : undefined;
  return { knownSafe: isKnownSafeWith(argv, parse), dangerous: isDangerousAt(argv, parse, 0) };
}

/** Reads a script once; undefined when no parser could be loaded. */
type ScriptReader = ((script: string) => BashScriptAnalysis) | undefined;

/** Whether a command only reads (see `analyzeCommand` to also learn whether it is dangerous). */
export function isKnownSafeCommand(argv: readonly string[], bash?: BashParser): boolean {
  return analyzeCommand(argv, bash).knownSafe;
}

function isKnownSafeWith(argv: readonly string[], parse: ScriptReader): boolean {
  const script = shellWrapperScript(argv);
  if (script === null) return isSafeSimpleCommand(argv);
  const commands = parse?.(script).plain;
  return commands ? commands.every(isSafeSimpleCommand) : false;
}

function isSafeSimpleCommand(argv: readonly string[]): boolean {
  const [name, ...args] = argv;
  if (name === undefined) return false;
  if (ALWAYS_SAFE.has(name)) return true;
  switch (name) {
    case "uniq":
      // `uniq [INPUT [OUTPUT]]`: a second operand is a file it writes.
      return operandCount(args, UNIQ_VALUED) <= 1;
    case "base64":
      // macOS base64 writes `-o FILE` / `--output FILE`.
      return !args.some((arg) => isLongOption(arg, "output") || shortOptionIn(arg, "o"));
    case "find":
      return !args.some((arg) => FIND_UNSAFE.has(arg));
    case "rg":
      return !args.some(
        (arg) =>
          ["pre", "hostname-bin", "search-zip"].some((name) => isLongOption(arg, name)) ||
          shortOptionIn(arg, "z"),
      );
    case "git":
      return isSafeGitBranchListing(args);
    case "sed":
      return isSafeSedPrint(args);
    default:
      return false;
  }
}

/** uniq's options that take a value: `-f N`, `--skip-fields N` ... */
const UNIQ_VALUED: ValuedOptions = { short: "fsw", long: ["skip-fields", "skip-chars", "check-chars"] };

/** `git branch` (only with `--no-pager` before it) listing branches, nothing else. */
function isSafeGitBranchListing(args: readonly string[]): boolean {
  // Any global option but --no-pager (-C, -c, --git-dir, --exec-path, --config-env, ...) could
  // make git run something else or read another repository's config.
  const [subcommand, ...rest] = args[0] === "--no-pager" ? args.slice(1) : args;
  if (subcommand !== "branch") return false;
  const listing = rest.includes("--list") || rest.includes("-l");
  return rest.every((arg) => GIT_BRANCH_LISTING.has(arg) || (listing && !arg.startsWith("-")));
}

/** `sed -n 5p [file]` or `sed -n 1,5p [file]`. */
function isSafeSedPrint(args: readonly string[]): boolean {
  if (args.length < 2 || args.length > 3 || args[0] !== "-n") return false;
  if (!/^\d+(,\d+)?p$/.test(args[1]!)) return false;
  return args.length === 2 || !args[2]!.startsWith("-");
}

/**
 * Whether a command irreversibly destroys data in one go: recursive or forced `rm`, `find
 * -delete` (or `-exec` of something dangerous), `shred`, `mkfs`, `dd of=`, and the git commands
 * that throw away uncommitted work or rewrite shared history. Also found behind `sudo`, `env`,
 * `xargs` and the like, and anywhere inside a `bash -lc` script (when a parser is given).
 * Policies ask about these even where they would run other commands on their own.
 */
export function isDangerousCommand(argv: readonly string[], bash?: BashParser): boolean {
  return analyzeCommand(argv, bash).dangerous;
}

function isDangerousAt(argv: readonly string[], parse: ScriptReader, depth: number): boolean {
  if (depth > MAX_NESTING) return false;
  const command = unwrapLaunchers(argv);
  const [name, ...args] = command;
  if (name === undefined) return false;
  // Looser than `shellWrapperScript`: `bash -ec "..." extra` still runs the script.
  const script = SHELLS.has(name) && /^-[a-z]*c[a-z]*$/.test(args[0] ?? "") ? args[1] : undefined;
  if (script !== undefined) {
    return parse ? parse(script).all.some((inner) => isDangerousAt(inner, parse, depth + 1)) : false;
  }
  switch (name) {
    case "rm":
      return optionsBeforeDoubleDash(args).some(
        (arg) => isLongOption(arg, "recursive") || isLongOption(arg, "force") || shortOptionIn(arg, "rRf"),
      );
    case "find":
      return (
        args.includes("-delete") ||
        findExecCommands(args).some((inner) => isDangerousAt(inner, parse, depth + 1))
      );
    case "shred":
    case "wipefs":
      return true;
    case "dd":
      return args.some((arg) => arg.startsWith("of="));
    case "git":
      return isDangerousGit(args);
    default:
      return name.startsWith("mkfs");
  }
}

/** git's global options that take a separate value. */
const GIT_VALUED_GLOBALS = new Set([
  "-C",
  "-c",
  "--git-dir",
  "--work-tree",
  "--namespace",
  "--config-env",
  "--super-prefix",
  "--attr-source",
]);

function isDangerousGit(args: readonly string[]): boolean {
  let index = 0;
  while (index < args.length && args[index]!.startsWith("-"))
    index += GIT_VALUED_GLOBALS.has(args[index]!) ? 2 : 1;
  const subcommand = args[index];
  const rest = args.slice(index + 1);
  const exact = (...flags: string[]) => rest.some((arg) => flags.includes(arg));
  const long = (...names: string[]) => rest.some((arg) => names.some((name) => isLongOption(arg, name)));
  const short = (letters: string) => rest.some((arg) => shortOptionIn(arg, letters));
  switch (subcommand) {
    case "reset":
      return long("hard");
    case "clean":
      // Without -f git refuses, unless a config (`-c clean.requireForce=false`, or the
      // repository's own) says otherwise: only a dry run is surely harmless.
      return !(exact("--dry-run") || short("n"));
    case "push":
      return (
        long("force", "force-with-lease", "mirror", "delete", "prune") ||
        rest.some((arg) => arg.startsWith("+") || arg.startsWith(":")) ||
        short("fd")
      );
    case "checkout":
      return exact("--", ".") || long("force") || short("f");
    case "switch":
      return long("discard-changes", "force") || short("f");
    case "restore":
      // Safe only when it touches the index alone, spelled out.
      return !exact("--staged", "-S") || long("worktree") || short("W");
    case "stash":
      return rest[0] === "drop" || rest[0] === "clear";
    case "branch":
      return short("D") || ((long("delete") || short("d")) && (long("force") || short("f")));
    default:
      return false;
  }
}

/** Programs that run their arguments as another command, and their options that take a value. */
const LAUNCHERS: Record<string, ValuedOptions> = {
  sudo: {
    short: "ugUChprtTDR",
    long: [
      "user",
      "group",
      "other-user",
      "close-from",
      "chdir",
      "chroot",
      "host",
      "prompt",
      "role",
      "type",
      "command-timeout",
    ],
  },
  doas: { short: "uC", long: [] },
  env: { short: "uCS", long: ["unset", "chdir", "split-string"] },
  nice: { short: "n", long: ["adjustment"] },
  nohup: { short: "", long: [] },
  setsid: { short: "", long: [] },
  busybox: { short: "", long: [] },
  stdbuf: { short: "ioe", long: ["input", "output", "error"] },
  time: { short: "fo", long: ["format", "output"] },
  command: { short: "", long: [] },
  exec: { short: "a", long: [] },
  xargs: {
    short: "nLPsIEda",
    long: ["max-args", "max-procs", "max-chars", "delimiter", "arg-file", "process-slot-var"],
  },
  timeout: { short: "sk", long: ["signal", "kill-after"] },
};

/** Drops `sudo -u x`, `env A=1`, `xargs -n 1` ... in front of the real command. */
function unwrapLaunchers(argv: readonly string[]): readonly string[] {
  let rest = argv;
  for (let guard = 0; guard < 8; guard++) {
    const launcher = rest[0];
    const valued = launcher === undefined ? undefined : LAUNCHERS[launcher];
    if (!valued) return rest;
    let i = 1;
    let split: string[] = [];
    while (i < rest.length && (rest[i]!.startsWith("-") || (launcher === "env" && rest[i]!.includes("=")))) {
      const arg = rest[i]!;
      if (arg === "--") {
        i++;
        break;
      }
      const option = optionValue(rest, i, valued);
      // `env -S "rm -rf x"` splits its value into the command line.
      if (
        launcher === "env" &&
        option.value !== undefined &&
        (option.name === "S" || option.name === "split-string")
      )
        split = option.value.trim().split(/\s+/).filter(Boolean);
      i += option.consumed;
    }
    // `timeout DURATION cmd`: the duration comes first.
    if (launcher === "timeout") i++;
    rest = [...split, ...rest.slice(i)];
  }
  return rest;
}

function optionsBeforeDoubleDash(args: readonly string[]): string[] {
  const end = args.indexOf("--");
  return (end < 0 ? args : args.slice(0, end)).filter((arg) => arg.startsWith("-"));
}

/** The commands of `find ... -exec <cmd> ... ;` (and `-execdir`, `-ok`, `-okdir`). */
function findExecCommands(args: readonly string[]): string[][] {
  const commands: string[][] = [];
  args.forEach((arg, i) => {
    if (!["-exec", "-execdir", "-ok", "-okdir"].includes(arg)) return;
    const end = args.findIndex((candidate, j) => j > i && (candidate === ";" || candidate === "+"));
    commands.push(args.slice(i + 1, end < 0 ? undefined : end));
  });
  return commands;
}
