import { escapeCharacter, HIDDEN_CHARACTER } from "./visible-text.js";

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

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
  if (HIDDEN_CHARACTER.test(word)) {
    const escaped = [...word]
      .map((ch) => {
        if (ch === "\\") return "\\\\";
        if (ch === "'") return "\\'";
        return HIDDEN_CHARACTER.test(ch) ? escapeCharacter(ch) : ch;
      })
      .join("");
    return `$'${escaped}'`;
  }
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
