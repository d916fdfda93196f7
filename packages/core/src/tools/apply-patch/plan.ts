import fs from "node:fs/promises";
import path from "node:path";
import { openRegularFile } from "../../util/read-guard.js";
import type { PatchHunk } from "./parser.js";
import { applyChunksToText } from "./update.js";

export type PatchChange = { path: string; kind: "add" | "delete" | "update"; movePath?: string };

/** One file system change of a planned patch; `hunk` is the index of the hunk it belongs to. */
export type PatchOp =
  | { kind: "write"; absPath: string; shownAs: string; text: string; hunk: number }
  | { kind: "remove"; absPath: string; shownAs: string; hunk: number };

export type PatchPlan = {
  /** The changes of every hunk that planned cleanly, in patch order. */
  ops: PatchOp[];
  /** One per hunk that planned cleanly. */
  changes: PatchChange[];
  /** Why the hunk after the last planned one cannot apply. */
  error?: string;
};

/**
 * Works out every change a patch makes, against the files as they are, without touching disk:
 * each hunk sees the effect of the ones before it (a file added then updated, moved then read).
 * Each file is read and patched once; what is written is the final text of each operation.
 * Stops at the first hunk that cannot apply. Files are read with `openRegularFile` (never a
 * FIFO, a device, or a process's entry under /proc).
 */
export async function planPatch(hunks: readonly PatchHunk[], cwd: string): Promise<PatchPlan> {
  const pending = new Map<string, string | null>();
  const plan: PatchPlan = { ops: [], changes: [] };
  for (const [index, hunk] of hunks.entries()) {
    const ops: PatchOp[] = [];
    const error = await planHunk(hunk, index, cwd, pending, ops);
    if (error !== undefined) return { ...plan, error };
    plan.ops.push(...ops);
    plan.changes.push(
      hunk.kind === "update" && hunk.movePath !== undefined
        ? { path: hunk.path, kind: "update", movePath: hunk.movePath }
        : { path: hunk.path, kind: hunk.kind },
    );
  }
  return plan;
}

async function planHunk(
  hunk: PatchHunk,
  index: number,
  cwd: string,
  pending: Map<string, string | null>,
  ops: PatchOp[],
): Promise<string | undefined> {
  const absPath = path.resolve(cwd, hunk.path);
  const write = async (target: string, shownAs: string, text: string) => {
    if (!pending.has(target)) {
      const problem = await writeProblem(target);
      if (problem) return `Failed to write file ${shownAs}: ${problem}`;
    }
    pending.set(target, text);
    ops.push({ kind: "write", absPath: target, shownAs, text, hunk: index });
    return undefined;
  };
  const remove = async (target: string, shownAs: string, context: string) => {
    const known = pending.get(target);
    const problem =
      known === undefined ? await removeProblem(target) : known === null ? FS_ERROR_TEXT.ENOENT : null;
    if (problem) return `${context}: ${problem}`;
    pending.set(target, null);
    ops.push({ kind: "remove", absPath: target, shownAs, hunk: index });
    return undefined;
  };

  if (hunk.kind === "add") return write(absPath, hunk.path, hunk.contents);
  if (hunk.kind === "delete") return remove(absPath, hunk.path, `Failed to delete file ${hunk.path}`);

  const original = await readPending(absPath, hunk.path, pending);
  if (typeof original !== "string") return original.error;
  const updated = applyChunksToText(original, hunk.chunks, hunk.path);
  if (!updated.ok) return updated.error;
  if (hunk.movePath === undefined) return write(absPath, hunk.path, updated.text);
  const destination = path.resolve(cwd, hunk.movePath);
  const writeError = await write(destination, hunk.movePath, updated.text);
  if (writeError !== undefined || destination === absPath) return writeError;
  return remove(absPath, hunk.path, `Failed to remove the original file ${hunk.path} after moving it`);
}

async function readPending(
  absPath: string,
  shownAs: string,
  pending: Map<string, string | null>,
): Promise<string | { error: string }> {
  const known = pending.get(absPath);
  if (known === null) return { error: `Failed to read file to update ${shownAs}: ${FS_ERROR_TEXT.ENOENT}` };
  if (known !== undefined) return known;
  const opened = await openRegularFile(absPath, { shownAs });
  if ("error" in opened) {
    const text = opened.code && FS_ERROR_TEXT[opened.code];
    return { error: text ? `Failed to read file to update ${shownAs}: ${text}` : opened.error };
  }
  let bytes: Buffer;
  try {
    bytes = await opened.handle.readFile();
  } catch (err) {
    return { error: `Failed to read file to update ${shownAs}: ${describeFsError(err)}` };
  } finally {
    await opened.handle.close();
  }
  if (bytes.includes(0)) {
    return { error: `Cannot update ${shownAs}: it looks like a binary file (it contains NUL bytes)` };
  }
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return { error: `Cannot update ${shownAs}: it is not valid UTF-8 text` };
  }
}

/** Why a file cannot be written at `absPath` as things are now (a folder there, a file above it). */
async function writeProblem(absPath: string): Promise<string | null> {
  const stat = await fs.lstat(absPath).catch(() => undefined);
  if (stat?.isDirectory()) return FS_ERROR_TEXT.EISDIR!;
  for (let current = path.dirname(absPath); ; current = path.dirname(current)) {
    const above = await fs.stat(current).catch(() => undefined);
    if (above !== undefined) return above.isDirectory() ? null : FS_ERROR_TEXT.ENOTDIR!;
    if (path.dirname(current) === current) return null;
  }
}

async function removeProblem(absPath: string): Promise<string | null> {
  const stat = await fs.lstat(absPath).catch(() => undefined);
  if (stat === undefined) return FS_ERROR_TEXT.ENOENT!;
  return stat.isDirectory() ? FS_ERROR_TEXT.EISDIR! : null;
}

export const FS_ERROR_TEXT: Record<string, string> = {
  ENOENT: "no such file or directory",
  EISDIR: "it is a directory",
  ENOTDIR: "a parent path is not a directory",
  ENOTREG: "it is not a regular file",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ELOOP: "a symbolic link is in the way",
  ENOSPC: "no space left on device",
};

export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined && FS_ERROR_TEXT[code] !== undefined) return FS_ERROR_TEXT[code];
  return err instanceof Error ? err.message : String(err);
}
