import { createRequire } from "node:module";
import v8 from "node:v8";
import type { Node, Parser } from "web-tree-sitter";

/**
 * Shell scripts are read with tree-sitter's bash grammar (`web-tree-sitter` + the `.wasm` that
 * the `tree-sitter-bash` package ships). Why this parser: it is the grammar Codex itself uses for
 * the same decision, it is maintained by the tree-sitter project, it understands bash (not only
 * POSIX sh), it runs offline as WebAssembly (no native build), and it reports every construct it
 * sees, so anything we do not explicitly allow is refused. It is loaded on first use; the
 * returned `BashParser` is kept by its owner (the engine), nothing is cached here.
 *
 * The grammar stays on V8's baseline WebAssembly compiler (Liftoff). Left alone, V8 re-compiles
 * the hot parts of it with its optimising compiler (TurboFan) after a couple of scripts, which
 * takes about half a gigabyte of memory and two seconds of CPU for a parser that then saves
 * microseconds per script. The flags are process-wide, and read when a function would tier up.
 */
export type BashParser = { readonly parser: Parser };

/** Scripts longer than this are not analysed (and so never count as safe). */
export const MAX_ANALYSED_SCRIPT_LENGTH = 64 * 1024;

export async function loadBashParser(): Promise<BashParser> {
  v8.setFlagsFromString("--no-wasm-tier-up");
  v8.setFlagsFromString("--no-wasm-dynamic-tiering");
  const { Parser, Language } = await import("web-tree-sitter");
  const require = createRequire(import.meta.url);
  await Parser.init({ locateFile: () => require.resolve("web-tree-sitter/web-tree-sitter.wasm") });
  const bash = await Language.load(require.resolve("tree-sitter-bash/tree-sitter-bash.wasm"));
  const parser = new Parser();
  parser.setLanguage(bash);
  return { parser };
}

/** Operators allowed between plain commands. A lone `&`, `|&`, `;;` and the like are not. */
const SEPARATORS = new Set(["&&", "||", ";", "|"]);
/** Characters whose meaning in an unquoted word depends on the shell (globs, escapes, expansions). */
const SHELL_ACTIVE_IN_WORD = /[\\$`*?[\]{}]/;

/**
 * What one parse of a script tells: its plain commands (for known-safe checks and approvals)
 * and every command found anywhere in it (for danger checks).
 *
 * - `plain`: the commands as argv when the script is nothing but plain commands joined by `&&`,
 *   `||`, `;`, `|` or newlines, else null: redirections, substitutions, expansions, globs,
 *   variable assignments, subshells, heredocs, control flow, comments, background jobs and
 *   syntax errors all give null.
 * - `all`: every command however it is nested (inside substitutions, conditions, loops,
 *   redirections), best effort on scripts with syntax errors. Arguments that are not literal keep
 *   their source text; commands whose name is not a literal word are skipped. Finding more is
 *   better than proving anything here.
 *
 * Scripts longer than `MAX_ANALYSED_SCRIPT_LENGTH` are not parsed: `plain` is null, `all` empty.
 */
export type BashScriptAnalysis = { plain: string[][] | null; all: string[][] };

export function analyzeBashScript(script: string, bash: BashParser): BashScriptAnalysis {
  if (script.length > MAX_ANALYSED_SCRIPT_LENGTH) return { plain: null, all: [] };
  const tree = bash.parser.parse(script);
  if (!tree) return { plain: null, all: [] };
  try {
    const root = tree.rootNode;
    const plain: string[][] = [];
    const isPlain = !root.hasError && collectPlain(root, plain) && plain.length > 0;
    const all: string[][] = [];
    for (const node of root.descendantsOfType("command")) {
      const argv = node ? looseArgv(node) : null;
      if (argv) all.push(argv);
    }
    return { plain: isPlain ? plain : null, all };
  } finally {
    tree.delete();
  }
}

/** The plain commands of `script` (see `analyzeBashScript`), or null. */
export function splitBashScript(script: string, bash: BashParser): string[][] | null {
  return analyzeBashScript(script, bash).plain;
}

/** Every command in `script`, however it is nested (see `analyzeBashScript`). */
export function findBashCommands(script: string, bash: BashParser): string[][] {
  return analyzeBashScript(script, bash).all;
}

function collectPlain(node: Node, out: string[][]): boolean {
  switch (node.type) {
    case "program":
    case "list":
    case "pipeline":
      return node.children.every((child) =>
        child?.isNamed ? collectPlain(child, out) : child !== null && SEPARATORS.has(child.type),
      );
    case "command": {
      const argv: string[] = [];
      for (const child of node.children) {
        const word = child?.type === "command_name" && child.childCount === 1 ? child.firstChild : child;
        const literal = word ? literalWord(word) : null;
        if (literal === null) return false;
        argv.push(literal);
      }
      out.push(argv);
      return argv.length > 0;
    }
    default:
      return false;
  }
}

/** The value of a word that means the same to the shell as it reads, or null. */
function literalWord(node: Node): string | null {
  switch (node.type) {
    case "word":
      return SHELL_ACTIVE_IN_WORD.test(node.text) ? null : node.text;
    case "number":
      return node.text;
    case "raw_string":
      return node.text.slice(1, -1);
    case "string": {
      const parts = node.namedChildren;
      if (parts.length === 0) return "";
      const content = parts[0];
      if (parts.length > 1 || content?.type !== "string_content" || content.text.includes("\\")) return null;
      return content.text;
    }
    default:
      return null;
  }
}

function looseArgv(command: Node): string[] | null {
  const argv: string[] = [];
  for (const child of command.namedChildren) {
    if (!child || child.type === "variable_assignment" || child.type.endsWith("redirect")) continue;
    if (child.type === "command_name") {
      const name = child.firstChild ? literalWord(child.firstChild) : null;
      if (name === null) return null;
      argv.push(name);
    } else if (argv.length > 0) {
      argv.push(literalWord(child) ?? child.text);
    }
  }
  return argv.length > 0 ? argv : null;
}
