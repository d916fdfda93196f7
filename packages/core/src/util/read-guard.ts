import fs from "node:fs";
import fsp, { type FileHandle } from "node:fs/promises";
import path from "node:path";

/** `statfs` type of procfs. */
const PROC_SUPER_MAGIC = 0x9fa0;
/** A path component that names one process in procfs: a PID, `self` or `thread-self`. */
const PROCESS_COMPONENT = /^(\d+|self|thread-self)$/;

/**
 * Why the file open as `handle` must not be read by a tool that runs in nightshift's own process
 * (read_file, list_dir, grep's fallback, apply_patch's reads, AGENTS.md), or null when it may be.
 *
 * Refused: anything in procfs under a process's own folder (`/proc/<pid>/...`, `/proc/self`,
 * `/proc/thread-self`): nightshift's `environ`, `cmdline`, `mem` and its parents' hold the API
 * keys and what the session is doing. Sandboxed commands have a `/proc` of their own and never see
 * these; tools outside the sandbox must not either. And anything that is not a file at a path
 * (a pipe or socket reached through `/proc/self/fd/N` or `/dev/fd/N`).
 *
 * The check is made on the open file, not on the path, so no symlink, `..` or swap in between
 * can route around it: `/proc/self/fd/N` names what was opened, and `statfs` on it the file
 * system it lives on. Where there is no `/proc` (macOS) there is nothing of ours to reach.
 */
export async function readRefusal(handle: FileHandle, shownAs: string): Promise<string | null> {
  if (process.platform !== "linux") return null;
  const link = `/proc/self/fd/${handle.fd}`;
  try {
    return refusalFor(await fsp.readlink(link), Number((await fsp.statfs(link)).type), shownAs);
  } catch (error) {
    return `Cannot read ${shownAs}: ${(error as Error).message}`;
  }
}

/** `readRefusal` for a file descriptor, synchronously (for start-up code such as AGENTS.md). */
export function readRefusalSync(fd: number, shownAs: string): string | null {
  if (process.platform !== "linux") return null;
  const link = `/proc/self/fd/${fd}`;
  try {
    return refusalFor(fs.readlinkSync(link), Number(fs.statfsSync(link).type), shownAs);
  } catch (error) {
    return `Cannot read ${shownAs}: ${(error as Error).message}`;
  }
}

/** Where an open file really is (Linux: what `/proc/self/fd/N` names), else `fallback`'s real path. */
export function openedPathSync(fd: number, fallback: string): string | null {
  try {
    return process.platform === "linux" ? fs.readlinkSync(`/proc/self/fd/${fd}`) : fs.realpathSync(fallback);
  } catch {
    return null;
  }
}

function refusalFor(target: string, type: number, shownAs: string): string | null {
  if (!target.startsWith("/")) return `${shownAs} is not a file (${target}); not read.`;
  if (type === PROC_SUPER_MAGIC && target.split(path.sep).some((part) => PROCESS_COMPONENT.test(part))) {
    return `Refusing to read ${shownAs}: it is a process's entry under /proc (${target}), which holds secrets of nightshift and its parents (environment, memory, command line). Tools never read these.`;
  }
  return null;
}

export type OpenedFile = { handle: FileHandle; stat: fs.Stats };

/**
 * Opens a regular file for reading without ever blocking (a FIFO swapped in is opened
 * non-blocking, then refused), checks it with `readRefusal`, and returns it with its stat; else a
 * sentence for the model. `noFollow` refuses a symlink as the last component.
 */
export async function openRegularFile(
  file: string,
  options: { noFollow?: boolean; shownAs?: string } = {},
): Promise<OpenedFile | { error: string; code?: string }> {
  const shownAs = options.shownAs ?? file;
  const flags =
    fs.constants.O_RDONLY |
    fs.constants.O_NONBLOCK |
    fs.constants.O_NOCTTY |
    (options.noFollow ? fs.constants.O_NOFOLLOW : 0);
  let handle: FileHandle;
  try {
    handle = await fsp.open(file, flags);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { error: `Cannot read ${shownAs}: ${(error as Error).message}`, code };
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) {
      await handle.close();
      const code = stat.isDirectory() ? "EISDIR" : "ENOTREG";
      return { error: `${shownAs} is not a regular file; not read.`, code };
    }
    const refusal = await readRefusal(handle, shownAs);
    if (refusal) {
      await handle.close();
      return { error: refusal, code: "EREFUSED" };
    }
    return { handle, stat };
  } catch (error) {
    await handle.close();
    return {
      error: `Cannot read ${shownAs}: ${(error as Error).message}`,
      code: (error as NodeJS.ErrnoException).code,
    };
  }
}

/** Reads at most `maxBytes` from the start of an open file. */
export async function readHead(handle: FileHandle, maxBytes: number): Promise<Buffer> {
  const buffer = Buffer.alloc(maxBytes);
  let length = 0;
  while (length < maxBytes) {
    const { bytesRead } = await handle.read(buffer, length, maxBytes - length, length);
    if (bytesRead === 0) break;
    length += bytesRead;
  }
  return buffer.subarray(0, length);
}

/**
 * A directory opened for listing: its entries are read through `/proc/self/fd/N` on Linux, so
 * they are the entries of the directory that passed `readRefusal`, whatever the path names by
 * then. `noFollow` refuses a symlink as the last component (used when walking into children).
 */
export async function openDirectory(
  dir: string,
  options: { noFollow?: boolean } = {},
): Promise<{ handle: FileHandle; listPath: string } | { error: string; code?: string }> {
  const flags =
    fs.constants.O_RDONLY | fs.constants.O_DIRECTORY | (options.noFollow ? fs.constants.O_NOFOLLOW : 0);
  let handle: FileHandle;
  try {
    handle = await fsp.open(dir, flags);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { error: `Cannot list ${dir}: ${(error as Error).message}`, code };
  }
  const refusal = await readRefusal(handle, dir);
  if (refusal) {
    await handle.close();
    return { error: refusal, code: "EREFUSED" };
  }
  return { handle, listPath: process.platform === "linux" ? `/proc/self/fd/${handle.fd}` : dir };
}
