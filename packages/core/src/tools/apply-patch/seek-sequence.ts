/**
 * Finding a chunk's lines in a file, with decreasing strictness: exact, then ignoring trailing
 * whitespace, then ignoring surrounding whitespace, then also treating typographic punctuation
 * (dashes, curly quotes, special spaces) as its ASCII look-alike. The first level that finds a
 * match wins, so an exact match is always preferred to a fuzzy one further up the file.
 */

type Canonicalise = (line: string) => string;

const identity: Canonicalise = (line) => line;
const trimEnd: Canonicalise = (line) => line.trimEnd();
const trim: Canonicalise = (line) => line.trim();
const normalisePunctuation: Canonicalise = (line) =>
  line
    .trim()
    .replace(/[\u2010-\u2015\u2212]/g, "-")
    .replace(/[\u2018-\u201B]/g, "'")
    .replace(/[\u201C-\u201F]/g, '"')
    .replace(/[\u00A0\u2000-\u200A\u202F\u205F\u3000]/g, " ");

const LEVELS: readonly Canonicalise[] = [identity, trimEnd, trim, normalisePunctuation];

/**
 * Returns the first index at or after `start` where `pattern` occurs in `lines`, or undefined.
 * With `eof`, the pattern must sit at the very end of the file (the scan starts at
 * `lines.length - pattern.length`). An empty pattern matches at `start`.
 */
export type SequenceSeeker = (pattern: readonly string[], start: number, eof: boolean) => number | undefined;

/**
 * A seeker over one file's lines. The canonical forms of the file's lines are computed once per
 * level, on first use, and shared by every chunk searched in that file.
 */
export function createSequenceSeeker(lines: readonly string[]): SequenceSeeker {
  const canonicalLines = new Map<Canonicalise, readonly string[]>([[identity, lines]]);
  const linesAt = (level: Canonicalise): readonly string[] => {
    let cached = canonicalLines.get(level);
    if (cached === undefined) {
      cached = lines.map(level);
      canonicalLines.set(level, cached);
    }
    return cached;
  };

  return (pattern, start, eof) => {
    if (pattern.length === 0) return start;
    if (pattern.length > lines.length) return undefined;
    const last = lines.length - pattern.length;
    const from = eof ? last : start;
    for (const level of LEVELS) {
      const haystack = linesAt(level);
      const needle = pattern.map(level);
      for (let i = from; i <= last; i++) {
        if (matchesAt(haystack, needle, i)) return i;
      }
    }
    return undefined;
  };
}

function matchesAt(haystack: readonly string[], needle: readonly string[], at: number): boolean {
  for (let j = 0; j < needle.length; j++) {
    if (haystack[at + j] !== needle[j]) return false;
  }
  return true;
}

export function seekSequence(
  lines: readonly string[],
  pattern: readonly string[],
  start: number,
  eof: boolean,
): number | undefined {
  return createSequenceSeeker(lines)(pattern, start, eof);
}
