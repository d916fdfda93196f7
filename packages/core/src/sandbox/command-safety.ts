import { type BashParser, findBashCommands, splitBashScript } from "./bash-script.js";

/**
 * Which commands may run without asking (known-safe: they only read) and which deserve a
 * question even when the policy would let them run (dangerous: they destroy data in one go).
 * Both look at the literal argv. Commands are matched by bare name only: `./ls` or `/tmp/x/cat`
 * could be anything. Shell wrappers (`bash -lc "<script>"`) are judged by their script, which
 * needs a `BashParser`; without one a wrapped script is never known-safe.
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
  "uniq",
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
/** `git` subcommands that only read (with the flag checks below). */
const GIT_READ_ONLY = new Set(["status", "log", "diff", "show", "branch"]);
/** `git` flags that write files, run external programs or start a pager. */
const GIT_UNSAFE_FLAGS = ["--output", "--ext-diff", "--textconv", "--exec", "--paginate"];
/** `git branch` flags that only list. */
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

export function isKnownSafeCommand(argv: readonly string[], bash?: BashParser): boolean {
  const script = shellWrapperScript(argv);
  if (script === null) return isSafeSimpleCommand(argv);
  if (!bash) return false;
  const commands = splitBashScript(script, bash);
  if (commands === null) return false;
  return commands.every(isSafeSimpleCommand);
}

function isSafeSimpleCommand(argv: readonly string[]): boolean {
  const [name, ...args] = argv;
  if (name === undefined) return false;
  if (ALWAYS_SAFE.has(name)) return true;
  switch (name) {
    case "base64":
      return !args.some((arg) => arg === "--output" || arg.startsWith("--output=") || arg.startsWith("-o"));
    case "find":
      return !args.some((arg) => FIND_UNSAFE.has(arg));
    case "rg":
      return !args.some(
        (arg) =>
          arg === "--search-zip" ||
          ["--pre", "--hostname-bin"].some((flag) => arg === flag || arg.startsWith(`${flag}=`)) ||
          /^-[A-Za-z]*z/.test(arg),
      );
    case "git":
      return isSafeGit(args);
    case "sed":
      return isSafeSedPrint(args);
    default:
      return false;
  }
}

function isSafeGit(args: readonly string[]): boolean {
  // Any global option but --no-pager (-C, -c, --git-dir, --exec-path, --config-env, ...) could
  // make git run something else or read another repository's config.
  const [subcommand, ...rest] = args[0] === "--no-pager" ? args.slice(1) : args;
  if (subcommand === undefined || !GIT_READ_ONLY.has(subcommand)) return false;
  const unsafeFlag = rest.some((arg) =>
    GIT_UNSAFE_FLAGS.some((flag) => arg === flag || arg.startsWith(`${flag}=`)),
  );
  if (unsafeFlag) return false;
  if (subcommand !== "branch") return true;
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
  return isDangerousAt(argv, bash, 0);
}

function isDangerousAt(argv: readonly string[], bash: BashParser | undefined, depth: number): boolean {
  if (depth > MAX_NESTING) return false;
  const command = unwrapLaunchers(argv);
  const [name, ...args] = command;
  if (name === undefined) return false;
  // Looser than `shellWrapperScript`: `bash -ec "..." extra` still runs the script.
  const script = SHELLS.has(name) && /^-[a-z]*c[a-z]*$/.test(args[0] ?? "") ? args[1] : undefined;
  if (script !== undefined) {
    return bash
      ? findBashCommands(script, bash).some((inner) => isDangerousAt(inner, bash, depth + 1))
      : false;
  }
  switch (name) {
    case "rm":
      return optionsBeforeDoubleDash(args).some(
        (arg) => arg === "--recursive" || arg === "--force" || /^-[A-Za-z]*[rRf]/.test(arg),
      );
    case "find":
      return (
        args.includes("-delete") ||
        findExecCommands(args).some((inner) => isDangerousAt(inner, bash, depth + 1))
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
const GIT_VALUED_GLOBALS = new Set(["-C", "-c", "--git-dir", "--work-tree", "--namespace", "--config-env"]);

function isDangerousGit(args: readonly string[]): boolean {
  let index = 0;
  while (index < args.length && args[index]!.startsWith("-"))
    index += GIT_VALUED_GLOBALS.has(args[index]!) ? 2 : 1;
  const subcommand = args[index];
  const rest = args.slice(index + 1);
  const has = (...flags: string[]) => rest.some((arg) => flags.includes(arg));
  const shortFlag = (letter: string) => rest.some((arg) => new RegExp(`^-[A-Za-z]*${letter}`).test(arg));
  switch (subcommand) {
    case "reset":
      return has("--hard");
    case "clean":
      return has("--force") || shortFlag("f");
    case "push":
      return (
        has("--force", "--mirror", "--delete", "--prune") ||
        rest.some(
          (arg) => arg.startsWith("--force-with-lease") || arg.startsWith("+") || arg.startsWith(":"),
        ) ||
        shortFlag("f") ||
        shortFlag("d")
      );
    case "checkout":
      return has("--", ".", "--force") || shortFlag("f");
    case "restore":
      return !has("--staged", "-S") || has("--worktree", "-W");
    case "stash":
      return rest[0] === "drop" || rest[0] === "clear";
    case "branch":
      return shortFlag("D") || (has("--delete") && has("--force"));
    default:
      return false;
  }
}

/** Programs that run their arguments as another command, and their options that take a value. */
const LAUNCHERS: Record<string, Set<string>> = {
  sudo: new Set(["-u", "-g", "-U", "-C", "-h", "-p", "-r", "-t", "-T", "-D", "-R"]),
  doas: new Set(["-u", "-C"]),
  env: new Set(["-u", "-C", "-S", "--unset", "--chdir"]),
  nice: new Set(["-n", "--adjustment"]),
  nohup: new Set(),
  time: new Set(["-f", "-o"]),
  command: new Set(),
  exec: new Set(["-a"]),
  xargs: new Set(["-n", "-L", "-P", "-s", "-I", "-E", "-d", "-a", "--max-args", "--max-procs"]),
  timeout: new Set(["-s", "-k", "--signal", "--kill-after"]),
};

/** Drops `sudo -u x`, `env A=1`, `xargs -n 1` ... in front of the real command. */
function unwrapLaunchers(argv: readonly string[]): readonly string[] {
  let rest = argv;
  for (let guard = 0; guard < 8; guard++) {
    const valued = rest[0] === undefined ? undefined : LAUNCHERS[rest[0]];
    if (!valued) return rest;
    let i = 1;
    while (i < rest.length && (rest[i]!.startsWith("-") || (rest[0] === "env" && rest[i]!.includes("=")))) {
      if (rest[i] === "--") {
        i++;
        break;
      }
      i += valued.has(rest[i]!) ? 2 : 1;
    }
    // `timeout DURATION cmd`: the duration comes first.
    if (rest[0] === "timeout") i++;
    rest = rest.slice(i);
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
