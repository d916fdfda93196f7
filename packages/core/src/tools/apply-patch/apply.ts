import path from "node:path";
import { type PatchHunk, parsePatch } from "./parser.js";
import { createDryRunFs, diskFs, type PatchFs } from "./patch-fs.js";
import { patchTargets } from "./paths.js";
import { applyChunksToText } from "./update.js";

export type PatchChange = { path: string; kind: "add" | "delete" | "update"; movePath?: string };

export type ApplyPatchResult =
  | { ok: true; summary: string; changes: PatchChange[] }
  /** `changes` lists the hunks applied before the failure: nothing is rolled back. */
  | { ok: false; error: string; changes: PatchChange[] };

export type ApplyPatchOptions = {
  cwd: string;
  /** Asked with the real path (symlinks resolved) of every entry the patch writes or removes. */
  canWrite?: (absPath: string) => boolean;
  /**
   * Run every hunk against an in-memory view of the disk first and change nothing unless all of
   * them apply. Off by default: hunks then apply one by one, as the reference tool does.
   */
  verifyFirst?: boolean;
};

/** Parses and applies a patch. Relative paths are resolved against `options.cwd`. */
export async function applyPatch(text: string, options: ApplyPatchOptions): Promise<ApplyPatchResult> {
  const parsed = parsePatch(text);
  if (!parsed.ok) return { ok: false, error: parsed.error, changes: [] };
  return applyHunks(parsed.hunks, options);
}

/** Applies parsed hunks in order, stopping at the first failure. */
export async function applyHunks(
  hunks: readonly PatchHunk[],
  options: ApplyPatchOptions,
): Promise<ApplyPatchResult> {
  if (hunks.length === 0) {
    return {
      ok: false,
      error: "The patch contains no file operations, so no files were modified.",
      changes: [],
    };
  }
  if (options.canWrite) {
    const refused = (await patchTargets(hunks, options.cwd)).find(
      (target) => !options.canWrite?.(target.realPath),
    );
    if (refused) {
      const where = refused.realPath === refused.absPath ? "" : ` (it resolves to ${refused.realPath})`;
      return {
        ok: false,
        error: `Refusing to apply the patch: ${refused.path}${where} is outside the writable area. No files were modified.`,
        changes: [],
      };
    }
  }
  if (options.verifyFirst) {
    const dryRun = await runHunks(hunks, options.cwd, createDryRunFs());
    if (!dryRun.ok) return { ok: false, error: `${dryRun.error}\nNo files were modified.`, changes: [] };
  }
  return runHunks(hunks, options.cwd, diskFs);
}

async function runHunks(hunks: readonly PatchHunk[], cwd: string, files: PatchFs): Promise<ApplyPatchResult> {
  const changes: PatchChange[] = [];
  for (const hunk of hunks) {
    const error = await runHunk(hunk, cwd, files);
    if (error !== undefined) return { ok: false, error, changes };
    changes.push(
      hunk.kind === "update" && hunk.movePath !== undefined
        ? { path: hunk.path, kind: "update", movePath: hunk.movePath }
        : { path: hunk.path, kind: hunk.kind },
    );
  }
  return { ok: true, summary: summarize(changes), changes };
}

/** Returns an error text, or undefined when the hunk was applied. */
async function runHunk(hunk: PatchHunk, cwd: string, files: PatchFs): Promise<string | undefined> {
  const absPath = path.resolve(cwd, hunk.path);
  if (hunk.kind === "add") {
    return attempt(() => files.writeFile(absPath, hunk.contents), `Failed to write file ${hunk.path}`);
  }
  if (hunk.kind === "delete") {
    return attempt(() => files.removeFile(absPath), `Failed to delete file ${hunk.path}`);
  }

  let bytes: Buffer;
  try {
    bytes = await files.readFile(absPath);
  } catch (err) {
    return `Failed to read file to update ${hunk.path}: ${describeFsError(err)}`;
  }
  const decoded = decodeText(bytes, hunk.path);
  if (!decoded.ok) return decoded.error;
  const updated = applyChunksToText(decoded.text, hunk.chunks, hunk.path);
  if (!updated.ok) return updated.error;

  if (hunk.movePath === undefined) {
    return attempt(() => files.writeFile(absPath, updated.text), `Failed to write file ${hunk.path}`);
  }
  const destination = path.resolve(cwd, hunk.movePath);
  const writeError = await attempt(
    () => files.writeFile(destination, updated.text),
    `Failed to write file ${hunk.movePath}`,
  );
  if (writeError !== undefined || destination === absPath) return writeError;
  return attempt(
    () => files.removeFile(absPath),
    `Failed to remove the original file ${hunk.path} after moving it`,
  );
}

function decodeText(
  bytes: Buffer,
  displayPath: string,
): { ok: true; text: string } | { ok: false; error: string } {
  if (bytes.includes(0)) {
    return {
      ok: false,
      error: `Cannot update ${displayPath}: it looks like a binary file (it contains NUL bytes)`,
    };
  }
  try {
    return { ok: true, text: new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes) };
  } catch {
    return { ok: false, error: `Cannot update ${displayPath}: it is not valid UTF-8 text` };
  }
}

async function attempt(operation: () => Promise<void>, context: string): Promise<string | undefined> {
  try {
    await operation();
    return undefined;
  } catch (err) {
    return `${context}: ${describeFsError(err)}`;
  }
}

const FS_ERROR_TEXT: Record<string, string> = {
  ENOENT: "no such file or directory",
  EISDIR: "it is a directory",
  ENOTDIR: "a parent path is not a directory",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ELOOP: "too many levels of symbolic links",
  ENOSPC: "no space left on device",
};

function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined && FS_ERROR_TEXT[code] !== undefined) return FS_ERROR_TEXT[code];
  return err instanceof Error ? err.message : String(err);
}

/** `Success. Updated the following files:` then `A`dded, `M`odified (a move shows its destination), `D`eleted. */
export function summarize(changes: readonly PatchChange[]): string {
  const lines = ["Success. Updated the following files:"];
  for (const change of changes) if (change.kind === "add") lines.push(`A ${change.path}`);
  for (const change of changes)
    if (change.kind === "update") lines.push(`M ${change.movePath ?? change.path}`);
  for (const change of changes) if (change.kind === "delete") lines.push(`D ${change.path}`);
  return lines.join("\n");
}
