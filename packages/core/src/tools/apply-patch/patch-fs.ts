import fs from "node:fs/promises";
import path from "node:path";

/** The three file operations a patch needs. Errors are Node errors with a `code`. */
export type PatchFs = {
  readFile(absPath: string): Promise<Buffer>;
  /** Creates missing parent directories; overwrites an existing file. */
  writeFile(absPath: string, text: string): Promise<void>;
  /** Removes a file (or a symlink itself); fails on directories and missing entries. */
  removeFile(absPath: string): Promise<void>;
};

function fsError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code });
}

async function lstatOrUndefined(absPath: string) {
  return fs.lstat(absPath).catch(() => undefined);
}

export const diskFs: PatchFs = {
  readFile: (absPath) => fs.readFile(absPath),
  async writeFile(absPath, text) {
    await fs.mkdir(path.dirname(absPath), { recursive: true }).catch((err: NodeJS.ErrnoException) => {
      // mkdir reports a file in the way of a parent directory as EEXIST.
      throw err.code === "EEXIST" ? fsError("ENOTDIR", "not a directory") : err;
    });
    await fs.writeFile(absPath, text, "utf8");
  },
  async removeFile(absPath) {
    const stat = await lstatOrUndefined(absPath);
    if (stat?.isDirectory()) throw fsError("EISDIR", "is a directory");
    await fs.unlink(absPath);
  },
};

/**
 * A dry run over the real disk: reads fall through to disk, writes and removals are only
 * remembered. Used to check that every hunk of a patch applies before touching anything.
 */
export function createDryRunFs(): PatchFs {
  const pending = new Map<string, string | null>();
  const existsOnDisk = async (absPath: string) => {
    const stat = await lstatOrUndefined(absPath);
    if (stat?.isDirectory()) throw fsError("EISDIR", "is a directory");
    return stat !== undefined;
  };
  return {
    async readFile(absPath) {
      const text = pending.get(absPath);
      if (text === null) throw fsError("ENOENT", "no such file");
      return text === undefined ? fs.readFile(absPath) : Buffer.from(text, "utf8");
    },
    async writeFile(absPath, text) {
      if (!pending.has(absPath)) {
        await existsOnDisk(absPath);
        await assertAncestorIsDirectory(path.dirname(absPath));
      }
      pending.set(absPath, text);
    },
    async removeFile(absPath) {
      const known = pending.get(absPath);
      const exists = known === undefined ? await existsOnDisk(absPath) : known !== null;
      if (!exists) throw fsError("ENOENT", "no such file");
      pending.set(absPath, null);
    },
  };
}

async function assertAncestorIsDirectory(dir: string): Promise<void> {
  for (let current = dir; ; current = path.dirname(current)) {
    const stat = await fs.stat(current).catch(() => undefined);
    if (stat !== undefined) {
      if (!stat.isDirectory()) throw fsError("ENOTDIR", "not a directory");
      return;
    }
    if (path.dirname(current) === current) return;
  }
}
