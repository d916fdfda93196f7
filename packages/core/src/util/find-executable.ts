import fs from "node:fs";
import path from "node:path";
import { isPathInside } from "./paths.js";

export type FindExecutableOptions = {
  /**
   * Directories whose contents must not be trusted (the workspace, the writable roots): a PATH
   * entry inside one of them is skipped, and so is a candidate whose real path lies inside one.
   */
  exclude?: readonly string[];
};

/**
 * The first executable regular file called `name` in the absolute entries of `searchPath` (a
 * PATH-style list); relative entries (`.`, `bin`, the empty entry) are skipped, since they mean
 * "wherever the process happens to be". Used for programs we start outside the sandbox, where
 * a copy planted by a sandboxed command would run with our full rights.
 */
export function findExecutable(
  name: string,
  searchPath: string,
  options: FindExecutableOptions = {},
): string | null {
  const excluded = (options.exclude ?? []).flatMap((dir) => {
    const resolved = path.resolve(dir);
    const real = realpathOrNull(resolved);
    return real && real !== resolved ? [resolved, real] : [resolved];
  });
  const untrusted = (target: string) => excluded.some((dir) => isPathInside(target, dir));
  for (const dir of searchPath.split(path.delimiter)) {
    if (!path.isAbsolute(dir)) continue;
    const entry = path.resolve(dir);
    if (untrusted(entry) || untrusted(realpathOrNull(entry) ?? entry)) continue;
    const candidate = path.join(entry, name);
    if (!isExecutableFile(candidate)) continue;
    if (untrusted(realpathOrNull(candidate) ?? candidate)) continue;
    return candidate;
  }
  return null;
}

/** Whether `file` is a regular file (after symlinks) we may execute. */
export function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function realpathOrNull(target: string): string | null {
  try {
    return fs.realpathSync(target);
  } catch {
    return null;
  }
}
