/**
 * Characters that must never reach a person's screen as they are in text a model, a repository or
 * an MCP server wrote: control characters (newlines that draw fake lines, escape sequences that
 * move the cursor, clear the screen or set the clipboard), format characters that hide or
 * reorder text (bidi overrides and isolates, zero-width characters, tag characters, the soft
 * hyphen), line and paragraph separators, lone surrogates, unassigned code points, the Hangul
 * fillers that render as blanks, and the supplementary variation selectors that carry hidden data.
 */
export const HIDDEN_CHARACTER =
  /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Cn}\u115f\u1160\u3164\uffa0]|\p{Variation_Selector}/u;
const HIDDEN_CHARACTERS = new RegExp(HIDDEN_CHARACTER.source, "gu");

/** `text` with every hidden character spelled out (`\n`, `\x1b`, `\u202e`): one visible line. */
export function spellOutHidden(text: string): string {
  return text.replace(HIDDEN_CHARACTERS, escapeCharacter);
}

/** The escape for one character, as C, JavaScript and bash's `$'...'` read it. */
export function escapeCharacter(ch: string): string {
  const code = ch.codePointAt(0)!;
  if (ch === "\n") return "\\n";
  if (ch === "\t") return "\\t";
  if (ch === "\r") return "\\r";
  if (code < 0x80) return `\\x${code.toString(16).padStart(2, "0")}`;
  if (code <= 0xffff) return `\\u${code.toString(16).padStart(4, "0")}`;
  return `\\U${code.toString(16).padStart(8, "0")}`;
}
