import fs from "node:fs/promises";
import path from "node:path";
import ignore from "ignore";

/** Files whose patterns hide entries, read in every directory walked (and its ancestors in a repo). */
export const IGNORE_FILE_NAMES = [".gitignore", ".ignore"] as const;

/** The patterns of one directory; they apply to paths below `base`. */
export type IgnoreLayer = { base: string; rules: ignore.Ignore };

/** Layers from the outermost directory in; deeper layers override shallower ones. */
export type IgnoreStack = readonly IgnoreLayer[];

/** The ignore files of `dir`, or null when it has none. */
export async function loadIgnoreLayer(dir: string): Promise<IgnoreLayer | null> {
  const texts: string[] = [];
  for (const name of IGNORE_FILE_NAMES) {
    try {
      texts.push(await fs.readFile(path.join(dir, name), "utf8"));
    } catch {
      // Absent or unreadable: no rules from this file.
    }
  }
  if (texts.length === 0) return null;
  return { base: dir, rules: ignore().add(texts.join("\n")) };
}

/**
 * The layers that apply above `dir`: when `dir` is inside a git repository, the ignore files of
 * the repository root and every directory between it and `dir` (not `dir` itself).
 */
export async function ancestorIgnoreLayers(dir: string): Promise<IgnoreLayer[]> {
  if (await exists(path.join(dir, ".git"))) return [];
  const ancestors: string[] = [];
  for (let current = path.dirname(dir); ; current = path.dirname(current)) {
    ancestors.unshift(current);
    if (await exists(path.join(current, ".git"))) break;
    if (path.dirname(current) === current) return []; // reached the file system root: not a repo
  }
  const layers = await Promise.all(ancestors.map(loadIgnoreLayer));
  return layers.filter((layer): layer is IgnoreLayer => layer !== null);
}

/** Whether the entry at `target` (absolute) is hidden by the stack. */
export function isIgnored(stack: IgnoreStack, target: string, isDirectory: boolean): boolean {
  let ignored = false;
  for (const layer of stack) {
    const relative = path.relative(layer.base, target);
    if (relative === "" || relative.startsWith("..") || path.isAbsolute(relative)) continue;
    const posix = relative.split(path.sep).join("/");
    const result = layer.rules.test(isDirectory ? `${posix}/` : posix);
    if (result.ignored) ignored = true;
    else if (result.unignored) ignored = false;
  }
  return ignored;
}

async function exists(target: string): Promise<boolean> {
  try {
    await fs.lstat(target);
    return true;
  } catch {
    return false;
  }
}
