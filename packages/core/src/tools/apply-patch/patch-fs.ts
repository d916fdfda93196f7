import fs from "node:fs";
import fsp, { type FileHandle } from "node:fs/promises";
import path from "node:path";
import { isPathInside } from "../../util/paths.js";
import { describeFsError, type PatchOp } from "./plan.js";

/** How far the operations of a plan got: `applied` ops succeeded, then `error` stopped the rest. */
export type CommitResult = { applied: number; error?: string };

/** Carries out planned operations; each way of writing (on disk, in the sandbox) is one of these. */
export type PatchCommitter = (ops: readonly PatchOp[]) => Promise<CommitResult>;

export type DiskCommitOptions = {
  /**
   * Write only below this directory and never through a symbolic link on the way (used by
   * `nightshift apply-patch`, which runs without a sandbox): each folder is opened from the one
   * above it with O_NOFOLLOW, the file too, so nothing swapped in meanwhile can redirect a write.
   */
  confineTo?: string;
};

/** Writes in this process, following symlinks as the path says, or confined (see `confineTo`). */
export function diskCommitter(options: DiskCommitOptions = {}): PatchCommitter {
  return async (ops) => {
    for (const [index, op] of ops.entries()) {
      try {
        if (options.confineTo !== undefined) await commitConfined(options.confineTo, op);
        else if (op.kind === "write") await writeFollowing(op.absPath, op.text);
        else await removeEntry(op.absPath);
      } catch (err) {
        return { applied: index, error: `${failureContext(op)}: ${describeFsError(err)}` };
      }
    }
    return { applied: ops.length };
  };
}

export function failureContext(op: PatchOp): string {
  return op.kind === "write" ? `Failed to write file ${op.shownAs}` : `Failed to delete file ${op.shownAs}`;
}

function fsError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

async function writeFollowing(absPath: string, text: string): Promise<void> {
  await fsp.mkdir(path.dirname(absPath), { recursive: true }).catch((err: NodeJS.ErrnoException) => {
    // mkdir reports a file in the way of a parent directory as EEXIST.
    throw err.code === "EEXIST" ? fsError("ENOTDIR", "not a directory") : err;
  });
  await fsp.writeFile(absPath, text, "utf8");
}

async function removeEntry(absPath: string): Promise<void> {
  const stat = await fsp.lstat(absPath).catch(() => undefined);
  if (stat?.isDirectory()) throw fsError("EISDIR", "is a directory");
  await fsp.unlink(absPath);
}

const DIRECTORY_NO_FOLLOW = fs.constants.O_RDONLY | fs.constants.O_DIRECTORY | fs.constants.O_NOFOLLOW;

/**
 * One operation below `root`, walking from `root` one folder at a time. On Linux each folder is
 * opened through the previous one's descriptor (`/proc/self/fd/N/name`, what `openat` does) with
 * O_NOFOLLOW, and the file is opened the same way, so a symlink anywhere below `root` is refused
 * and no folder can be swapped between the check and the write. Elsewhere (no /proc) each step
 * is checked with lstat first, which narrows the race without closing it.
 */
async function commitConfined(root: string, op: PatchOp): Promise<void> {
  const relative = path.relative(root, op.absPath);
  if (relative === "" || !isPathInside(op.absPath, root)) throw fsError("EACCES", "outside the folder");
  const parts = relative.split(path.sep);
  const name = parts.pop()!;
  if (process.platform !== "linux") return commitChecked(root, parts, name, op);
  let dir = await fsp.open(root, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  try {
    for (const part of parts) {
      const next = `/proc/self/fd/${dir.fd}/${part}`;
      let child = await openDirectoryNoFollow(next);
      if (child === null && op.kind === "write") {
        await fsp.mkdir(next).catch((err: NodeJS.ErrnoException) => {
          if (err.code !== "EEXIST") throw err;
        });
        child = await openDirectoryNoFollow(next);
      }
      if (child === null) throw fsError("ENOENT", "no such directory");
      await dir.close();
      dir = child;
    }
    const entry = `/proc/self/fd/${dir.fd}/${name}`;
    if (op.kind === "remove") {
      const stat = await fsp.lstat(entry);
      if (stat.isDirectory()) throw fsError("EISDIR", "is a directory");
      await fsp.unlink(entry);
      return;
    }
    const flags =
      fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | fs.constants.O_NOFOLLOW;
    const file = await fsp.open(entry, flags, 0o666);
    try {
      await file.writeFile(op.text, "utf8");
    } finally {
      await file.close();
    }
  } finally {
    await dir.close();
  }
}

/** The folder opened without following a symlink; null when it does not exist. */
async function openDirectoryNoFollow(target: string): Promise<FileHandle | null> {
  try {
    return await fsp.open(target, DIRECTORY_NO_FOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return null;
    // O_NOFOLLOW on a symlink fails with ELOOP; O_DIRECTORY on a file with ENOTDIR.
    if (code === "ELOOP") throw fsError("ELOOP", "a symbolic link is in the way");
    throw err;
  }
}

async function commitChecked(root: string, parts: string[], name: string, op: PatchOp): Promise<void> {
  let current = root;
  for (const part of [...parts, name]) {
    current = path.join(current, part);
    const stat = await fsp.lstat(current).catch(() => undefined);
    if (stat?.isSymbolicLink()) throw fsError("ELOOP", "a symbolic link is in the way");
  }
  if (op.kind === "write") await writeFollowing(op.absPath, op.text);
  else await removeEntry(op.absPath);
}
