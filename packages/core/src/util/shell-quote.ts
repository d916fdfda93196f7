const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;
/** Control characters, and characters that hide or reorder text (zero-width, bidi overrides). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we look for
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/;

/**
 * An argument vector as a shell would need it typed: plain words as they are, others in single
 * quotes, and control characters spelled out (`$'\n'`) so a crafted argument cannot hide what
 * runs or rewrite the user's terminal when shown.
 */
export function quoteArgv(argv: readonly string[]): string {
  return argv.map(quoteWord).join(" ");
}

function quoteWord(word: string): string {
  if (word === "") return "''";
  if (SAFE_WORD.test(word)) return word;
  if (HIDDEN.test(word)) {
    const escaped = [...word]
      .map((ch) => {
        const code = ch.codePointAt(0)!;
        if (ch === "\n") return "\\n";
        if (ch === "\t") return "\\t";
        if (ch === "\\") return "\\\\";
        if (ch === "'") return "\\'";
        if (code < 0x20 || code === 0x7f) return `\\x${code.toString(16).padStart(2, "0")}`;
        if (HIDDEN.test(ch)) return `\\u${code.toString(16).padStart(4, "0")}`;
        return ch;
      })
      .join("");
    return `$'${escaped}'`;
  }
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
