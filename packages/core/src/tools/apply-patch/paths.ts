import fs from "node:fs/promises";
import path from "node:path";
import type { PatchHunk } from "./parser.js";

/** A file system entry a patch writes or removes. */
export type PatchTarget = {
  /** The path as written in the patch. */
  path: string;
  /** Resolved against the working directory. */
  absPath: string;
  /** Where the operation really lands, symlinks resolved (see `realPathOf`). */
  realPath: string;
  action: "write" | "remove";
};

const MAX_LINK_HOPS = 40;

/**
 * The real location a write to `absPath` lands on, following symlinks, including a final one and
 * dangling ones. For a path that does not exist yet, the nearest existing ancestor is resolved
 * and the rest appended, so a write through a symlinked directory shows where it really goes.
 */
export async function realPathOf(absPath: string, hops = 0): Promise<string> {
  try {
    return await fs.realpath(absPath);
  } catch {
    // Missing, dangling or unreadable: resolve piece by piece below.
  }
  const parent = path.dirname(absPath);
  if (parent === absPath) return absPath;
  const entry = path.join(await realPathOf(parent, hops), path.basename(absPath));
  const link = await fs.readlink(entry).catch(() => undefined);
  if (link === undefined || hops >= MAX_LINK_HOPS) return entry;
  return realPathOf(path.resolve(path.dirname(entry), link), hops + 1);
}

/** Like `realPathOf`, but a final symlink is the entry itself: removing it removes the link. */
export async function realEntryPathOf(absPath: string): Promise<string> {
  return path.join(await realPathOf(path.dirname(absPath)), path.basename(absPath));
}

/** Every entry the hunks write or remove, in patch order. */
export async function patchTargets(hunks: readonly PatchHunk[], cwd: string): Promise<PatchTarget[]> {
  const targets: PatchTarget[] = [];
  const add = async (displayPath: string, action: PatchTarget["action"]) => {
    const absPath = path.resolve(cwd, displayPath);
    const realPath = action === "write" ? await realPathOf(absPath) : await realEntryPathOf(absPath);
    targets.push({ path: displayPath, absPath, realPath, action });
  };
  for (const hunk of hunks) {
    if (hunk.kind === "add") await add(hunk.path, "write");
    else if (hunk.kind === "delete") await add(hunk.path, "remove");
    else if (hunk.movePath === undefined) await add(hunk.path, "write");
    else {
      await add(hunk.movePath, "write");
      await add(hunk.path, "remove");
    }
  }
  return targets;
}
