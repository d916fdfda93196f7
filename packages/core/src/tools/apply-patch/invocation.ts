import path from "node:path";

/** An apply_patch call found inside a shell tool call. `workdir` is as written (may be relative). */
export type ApplyPatchInvocation = { patch: string; workdir?: string };

const PATCH_COMMANDS = new Set(["apply_patch", "applypatch"]);
const SHELLS = new Set(["bash", "sh", "zsh"]);
const SCRIPT_FLAGS = new Set(["-c", "-lc"]);

/**
 * Recognises a shell tool call that only runs apply_patch, so the engine can apply the patch
 * itself instead of running a command that does not exist:
 *
 *   ["apply_patch", PATCH]   ["applypatch", PATCH]
 *   ["bash" | "sh" | "zsh", "-lc" | "-c", SCRIPT]   (the shell may be given as a full path)
 *
 * where SCRIPT is exactly `[cd DIR && ]apply_patch <<DELIM` + newline + body + a line `DELIM`,
 * with DELIM bare, 'single' or "double" quoted. Returns null for anything else.
 *
 * Rather than a full shell parser, the script is matched against these few shapes and anything
 * else (other commands, pipes, substitutions, variables, text after the heredoc) makes it "not an
 * apply_patch invocation": then it runs as an ordinary command, which is the safe outcome. The
 * heredoc body is taken literally, which is what the model means even with an unquoted DELIM.
 */
export function parseApplyPatchInvocation(argv: readonly string[]): ApplyPatchInvocation | null {
  const [program, first, second] = argv;
  if (program === undefined) return null;
  if (argv.length === 2 && PATCH_COMMANDS.has(program) && first !== undefined) return { patch: first };
  if (
    argv.length === 3 &&
    SHELLS.has(path.basename(program)) &&
    first !== undefined &&
    SCRIPT_FLAGS.has(first)
  ) {
    return second === undefined ? null : parseHeredocScript(second);
  }
  return null;
}

// A directory word: 'literal', "literal without $ ` \", or a bare word without shell
// metacharacters, not starting with '-' or '~' (`cd -` and `cd ~` depend on the environment).
const DIR_WORD = String.raw`'[^'\n]*'|"[^"$\x60\\\n]*"|[^\s'"$\x60\\;&|<>(){}*?\[\]~#!=-][^\s'"$\x60\\;&|<>(){}*?\[\]#!]*`;
const DELIMITER = String.raw`'([^'\s]+)'|"([^"\s$\x60\\]+)"|([A-Za-z0-9_][A-Za-z0-9_.-]*)`;
const SCRIPT_HEAD = new RegExp(
  String.raw`^\s*(?:cd[ \t]+(${DIR_WORD})[ \t]*&&[ \t]*)?(?:apply_patch|applypatch)[ \t]*<<[ \t]*(?:${DELIMITER})[ \t]*\n`,
);

function parseHeredocScript(script: string): ApplyPatchInvocation | null {
  const head = SCRIPT_HEAD.exec(script);
  if (head === null) return null;
  const [, dirWord, singleQuoted, doubleQuoted, bare] = head;
  const delimiter = singleQuoted ?? doubleQuoted ?? bare;
  if (delimiter === undefined) return null;

  const lines = script.slice(head[0].length).split("\n");
  const end = lines.indexOf(delimiter);
  if (end === -1) return null;
  if (lines.slice(end + 1).some((line) => line.trim() !== "")) return null;

  const body = lines.slice(0, end);
  const patch = body.length === 0 ? "" : `${body.join("\n")}\n`;
  if (dirWord === undefined) return { patch };
  const workdir = unquote(dirWord);
  return workdir === "" ? null : { patch, workdir };
}

function unquote(word: string): string {
  const quote = word[0];
  return quote === "'" || quote === '"' ? word.slice(1, -1) : word;
}
