import type { Dirent } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { openDirectory } from "../../util/read-guard.js";
import { ancestorIgnoreLayers, type IgnoreStack, isIgnored, loadIgnoreLayer } from "./ignore-rules.js";

export type EntryKind = "directory" | "file" | "symlink" | "other";

export type ListedEntry = {
  /** 1 for entries directly inside the listed directory. */
  depth: number;
  name: string;
  kind: EntryKind;
  linkTarget?: string;
  /** Said after the entry, e.g. why a directory was not walked into. */
  note?: string;
};

export type WalkOptions = {
  maxDepth: number;
  /** Entries passed over (still walked) before collecting starts: paging. */
  skip: number;
  /** Entries collected at most. */
  take: number;
  signal?: AbortSignal;
};

export type WalkResult = { entries: ListedEntry[]; more: boolean; aborted: boolean };

/** Never listed: version control internals are noise to the model. */
const HIDDEN_NAMES = new Set([".git"]);
/** Listed but not walked into: big trees the model rarely needs to see. */
const NOT_DESCENDED_NAMES = new Set(["node_modules"]);

const byName = (a: Dirent, b: Dirent) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * Walks `root` depth first in name order (so paging is stable), leaving out what ignore files hide,
 * and collects entries `skip + 1` to `skip + take`. Stops as soon as it knows whether more follow.
 */
export async function walkDirectory(root: string, options: WalkOptions): Promise<WalkResult> {
  const entries: ListedEntry[] = [];
  let passed = 0;
  let more = false;
  let aborted = false;

  const walk = async (
    dir: string,
    depth: number,
    inherited: IgnoreStack,
    owner?: ListedEntry,
  ): Promise<boolean> => {
    // Each directory is opened (a child without following a symlink swapped in since it was
    // listed) and checked before anything in it is read; its entries come from the open handle.
    const opened = await openDirectory(dir, { noFollow: owner !== undefined });
    if ("error" in opened) {
      if (owner)
        owner.note =
          opened.code === "EREFUSED"
            ? "not walked into: a process's entry under /proc"
            : unreadableNote(opened);
      else throw new WalkRefused(opened.error);
      return true;
    }
    let dirents: Dirent[];
    let layers: IgnoreStack;
    try {
      const own = await loadIgnoreLayer(dir, opened.listPath);
      layers = own ? [...inherited, own] : inherited;
      dirents = await fs.readdir(opened.listPath, { withFileTypes: true });
    } catch (error) {
      if (owner) owner.note = unreadableNote(error);
      return true;
    } finally {
      await opened.handle.close();
    }
    dirents.sort(byName);
    for (const dirent of dirents) {
      if (options.signal?.aborted) {
        aborted = true;
        return false;
      }
      if (HIDDEN_NAMES.has(dirent.name)) continue;
      const target = path.join(dir, dirent.name);
      const kind = kindOf(dirent);
      if (isIgnored(layers, target, kind === "directory")) continue;

      const entry: ListedEntry = { depth, name: dirent.name, kind };
      if (passed >= options.skip) {
        if (entries.length >= options.take) {
          more = true;
          return false;
        }
        if (kind === "symlink") entry.linkTarget = await fs.readlink(target).catch(() => undefined);
        entries.push(entry);
      }
      passed++;
      if (kind !== "directory" || depth >= options.maxDepth) continue;
      if (NOT_DESCENDED_NAMES.has(dirent.name)) {
        entry.note = "not walked into";
        continue;
      }
      if (!(await walk(target, depth + 1, layers, entry))) return false;
    }
    return true;
  };

  await walk(root, 1, await ancestorIgnoreLayers(root));
  return { entries, more, aborted };
}

function kindOf(dirent: Dirent): EntryKind {
  if (dirent.isDirectory()) return "directory";
  if (dirent.isFile()) return "file";
  if (dirent.isSymbolicLink()) return "symlink";
  return "other";
}

/** The listed directory itself cannot be listed (refused or unreadable): the message says why. */
export class WalkRefused extends Error {}

function unreadableNote(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === "EACCES" || code === "EPERM") return "unreadable: permission denied";
  if (code === "ELOOP") return "not walked into: it is a symlink now";
  return `unreadable: ${code ?? (error as { message?: string }).message}`;
}
