/**
 * Reading command lines the way getopt and getopt_long do, for the command-safety checks: short
 * options cluster (`-rf`) and may carry their value (`-n1`), long options may be abbreviated
 * (`--recu` for `--recursive`) and carry `=value`.
 */

/** Options that take a value: short letters (`-n 1`, `-n1`) and long names (`--max-args 1`). */
export type ValuedOptions = { short: string; long: readonly string[] };

/**
 * The option at `args[i]`: how many arguments it spans, and its value when it takes one
 * (attached as in `-n1` / `--max-args=1`, or the next argument). Long names are matched as
 * getopt_long abbreviations.
 */
export function optionValue(
  args: readonly string[],
  i: number,
  valued: ValuedOptions,
): { consumed: number; name?: string; value?: string } {
  const arg = args[i]!;
  if (arg.startsWith("--")) {
    const [given, attached] = splitLongOption(arg);
    const name = valued.long.find((candidate) => given.length > 0 && candidate.startsWith(given));
    if (!name) return { consumed: 1 };
    if (attached !== undefined) return { consumed: 1, name, value: attached };
    return { consumed: 2, name, value: args[i + 1] };
  }
  for (let at = 1; at < arg.length; at++) {
    const letter = arg[at]!;
    if (!valued.short.includes(letter)) continue;
    const attached = arg.slice(at + 1);
    return attached
      ? { consumed: 1, name: letter, value: attached }
      : { consumed: 2, name: letter, value: args[i + 1] };
  }
  return { consumed: 1 };
}

/** The operands of a getopt-style command line (options and their values left out). */
export function operandCount(args: readonly string[], valued: ValuedOptions): number {
  let count = 0;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") return count + args.length - i - 1;
    if (arg === "-" || !arg.startsWith("-")) count++;
    else i += optionValue(args, i, valued).consumed - 1;
  }
  return count;
}

/** `--name=value` as [name, value]; `--name` as [name, undefined]. */
function splitLongOption(arg: string): [string, string | undefined] {
  const body = arg.slice(2);
  const equals = body.indexOf("=");
  return equals < 0 ? [body, undefined] : [body.slice(0, equals), body.slice(equals + 1)];
}

/** Whether `arg` is the long option `--name`, with or without `=value`, or an abbreviation of it. */
export function isLongOption(arg: string, name: string): boolean {
  if (!arg.startsWith("--")) return false;
  const [given] = splitLongOption(arg);
  return given.length > 0 && name.startsWith(given);
}

/** Whether `arg` is a cluster of short options (`-rf`) holding one of `letters`. */
export function shortOptionIn(arg: string, letters: string): boolean {
  if (!arg.startsWith("-") || arg.startsWith("--")) return false;
  const cluster = /^-[A-Za-z0-9]*/.exec(arg)![0];
  return [...letters].some((letter) => cluster.includes(letter));
}
