import path from "node:path";

/**
 * The absolute path a model meant: relative paths are taken from `cwd`, and a leading `~/` from the
 * home directory (models write it often).
 */
export function resolveToolPath(cwd: string, input: string, env: NodeJS.ProcessEnv): string {
  const home = env.HOME;
  if (home && (input === "~" || input.startsWith("~/"))) return path.join(home, input.slice(1));
  return path.resolve(cwd, input);
}

/** A file system error as one sentence the model can act on. */
export function describeFsError(error: unknown, target: string): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOENT":
    case "ENOTDIR":
      return `No such file or directory: ${target}`;
    case "EACCES":
    case "EPERM":
      return `Permission denied: ${target}`;
    case "ELOOP":
      return `Too many levels of symbolic links: ${target}`;
    default:
      return `Cannot read ${target}: ${(error as Error).message}`;
  }
}
