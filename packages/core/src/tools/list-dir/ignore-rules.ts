import fs from "node:fs/promises";
import path from "node:path";
import ignore from "ignore";
import { isPathInside } from "../../util/paths.js";
import { openRegularFile, readHead } from "../../util/read-guard.js";

/** Files whose patterns hide entries, read in every directory walked (and its ancestors in a repo). */
export const IGNORE_FILE_NAMES = [".gitignore", ".ignore"] as const;

/** The patterns of one directory; they apply to paths below `base`. */
export type IgnoreLayer = { base: string; rules: ignore.Ignore };

/** Layers from the outermost directory in; deeper layers override shallower ones. */
export type IgnoreStack = readonly IgnoreLayer[];

/** The most of one ignore file that is read; patterns past it are not honoured. */
export const MAX_IGNORE_FILE_BYTES = 1024 * 1024;

/**
 * The ignore files of `dir`, or null when it has none; `readFrom` is where to read them (the
 * directory as opened, `/proc/self/fd/N`), default `dir`.
 */
export async function loadIgnoreLayer(dir: string, readFrom: string = dir): Promise<IgnoreLayer | null> {
  const texts: string[] = [];
  for (const name of IGNORE_FILE_NAMES) {
    const text = await readIgnoreFile(path.join(readFrom, name));
    if (text !== null) texts.push(text);
  }
  if (texts.length === 0) return null;
  return { base: dir, rules: ignore().add(texts.join("\n")) };
}

/**
 * An ignore file's text when it is a regular file (symlinks followed) that tools may read (see
 * `openRegularFile`: never a FIFO, never a process's entry under /proc), else null; read only up
 * to `MAX_IGNORE_FILE_BYTES` (cut back to the last whole line) so `/dev/zero` or a huge file
 * cannot fill memory.
 */
async function readIgnoreFile(file: string): Promise<string | null> {
  const opened = await openRegularFile(file);
  if ("error" in opened) return null; // absent, unreadable or refused: no rules from this file
  try {
    const { stat, handle } = opened;
    let text = await readHead(handle, Math.min(stat.size, MAX_IGNORE_FILE_BYTES));
    if (stat.size > MAX_IGNORE_FILE_BYTES) text = text.subarray(0, text.lastIndexOf(0x0a) + 1);
    return text.toString("utf8");
  } catch {
    return null;
  } finally {
    await opened.handle.close();
  }
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
  const layers = await Promise.all(ancestors.map((dir) => loadIgnoreLayer(dir)));
  return layers.filter((layer): layer is IgnoreLayer => layer !== null);
}

/** Whether the entry at `target` (absolute) is hidden by the stack. */
export function isIgnored(stack: IgnoreStack, target: string, isDirectory: boolean): boolean {
  let ignored = false;
  for (const layer of stack) {
    const relative = path.relative(layer.base, target);
    if (relative === "" || !isPathInside(target, layer.base)) continue;
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
