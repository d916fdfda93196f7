import fs from "node:fs";
import path from "node:path";
import { isPathInside } from "./paths.js";

export type FindExecutableOptions = {
  /**
   * Directories whose contents must not be trusted (the workspace, the writable roots): a PATH
   * entry inside one of them is skipped, and so is a candidate whose real path lies inside one.
   */
  exclude?: readonly string[];
  /**
   * Also require the candidate to be tamper-proof (see `isTamperProof`), and return its real path,
   * so that nothing on the way (a symlink, a folder) can be swapped after the choice.
   */
  tamperProof?: boolean;
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
  const untrusted = excludedBy(options.exclude ?? []);
  for (const dir of searchPath.split(path.delimiter)) {
    if (!path.isAbsolute(dir)) continue;
    const entry = path.resolve(dir);
    if (untrusted(entry) || untrusted(realpathOrNull(entry) ?? entry)) continue;
    const candidate = path.join(entry, name);
    if (!isExecutableFile(candidate)) continue;
    const real = realpathOrNull(candidate) ?? candidate;
    if (untrusted(real)) continue;
    if (!options.tamperProof) return candidate;
    if (isTamperProof(real)) return real;
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

const GROUP_OR_OTHER_WRITABLE = 0o022;

/**
 * Whether only root (or `uid`, which is us) can have put `file` where it is: the file, with
 * symlinks resolved, and every directory above it are owned by root or `uid` and writable by no
 * group and no other user. A file under `/tmp` (world-writable) or in a folder another account
 * owns fails. Sandboxed commands run as our own user, so a file that passes can only have been
 * changed by them where they may write: callers also exclude the writable roots.
 */
export function isTamperProof(file: string, uid: number | undefined = process.getuid?.()): boolean {
  const real = realpathOrNull(file);
  if (!real) return false;
  for (let current = real; ; current = path.dirname(current)) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(current);
    } catch {
      return false;
    }
    if (stat.uid !== 0 && stat.uid !== uid) return false;
    if ((stat.mode & GROUP_OR_OTHER_WRITABLE) !== 0) return false;
    if (path.dirname(current) === current) return true;
  }
}

/** A predicate: is a path inside one of `dirs` (each taken as given and with symlinks resolved)? */
export function excludedBy(dirs: readonly string[]): (target: string) => boolean {
  const excluded = dirs.flatMap((dir) => {
    const resolved = path.resolve(dir);
    const real = realpathOrNull(resolved);
    return real && real !== resolved ? [resolved, real] : [resolved];
  });
  return (target) => excluded.some((dir) => isPathInside(target, dir));
}

function realpathOrNull(target: string): string | null {
  try {
    return fs.realpathSync(target);
  } catch {
    return null;
  }
}
