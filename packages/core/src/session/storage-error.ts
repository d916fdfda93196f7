import fs from "node:fs";
import path from "node:path";

/** A session could not be read or written: one line naming the file and the cause. */
export class StorageError extends Error {
  override name = "StorageError";
  readonly file: string;

  constructor(action: string, file: string, cause: unknown) {
    super(`cannot ${action} ${file}: ${describeCause(cause)}`, { cause });
    this.file = file;
  }
}

const REASONS: Record<string, string> = {
  ENOSPC: "no space left on the device",
  EDQUOT: "the disk quota is exhausted",
  EROFS: "the file system is read-only",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOENT: "a folder on the way does not exist",
  ENOTDIR: "a part of the path is not a folder",
  EISDIR: "it is a folder",
  EIO: "an input/output error of the device",
  EMFILE: "too many open files",
};

/** "no space left on the device (ENOSPC)" rather than a raw errno message with a stack. */
export function describeCause(cause: unknown): string {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (code && REASONS[code]) return `${REASONS[code]} (${code})`;
  const message = cause instanceof Error ? cause.message : String(cause);
  return message.replace(/^[A-Z]+: /, "").split("\n")[0] ?? message;
}

/**
 * `mkdir -p` that fails with the real cause: Node's recursive mkdir says ENOENT for a read-only
 * or forbidden parent, so each missing folder is made on its own and its own error is thrown.
 */
export function makeDirectory(dir: string, mode = 0o700): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode });
    return;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  const missing: string[] = [];
  let at = path.resolve(dir);
  while (!fs.existsSync(at)) {
    missing.unshift(at);
    const parent = path.dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const folder of missing) fs.mkdirSync(folder, { mode });
}
