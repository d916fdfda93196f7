/**
 * ANSI styles for strings drawn inside Ink's <Text> (Markdown, diffs, highlighted code). Without
 * colour (NO_COLOR, a dumb terminal) the colours are left out; bold, dim and italics stay, as
 * https://no-color.org asks.
 */
export type Paint = {
  color: boolean;
  bold(text: string): string;
  dim(text: string): string;
  italic(text: string): string;
  underline(text: string): string;
  strike(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  blue(text: string): string;
  magenta(text: string): string;
  cyan(text: string): string;
  gray(text: string): string;
};

const sgr = (open: number, close: number) => (text: string) =>
  text === "" ? "" : `\u001b[${open}m${text}\u001b[${close}m`;
const same = (text: string) => text;

export function createPaint(color: boolean): Paint {
  const hue = (open: number) => (color ? sgr(open, 39) : same);
  return {
    color,
    bold: sgr(1, 22),
    dim: sgr(2, 22),
    italic: sgr(3, 23),
    underline: sgr(4, 24),
    strike: sgr(9, 29),
    red: hue(31),
    green: hue(32),
    yellow: hue(33),
    blue: hue(34),
    magenta: hue(35),
    cyan: hue(36),
    gray: hue(90),
  };
}

/** Colour unless NO_COLOR is set (non-empty) or the terminal is dumb; FORCE_COLOR=0 turns it off too. */
export function wantsColor(env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR === "0") return false;
  return env.TERM !== "dumb";
}
