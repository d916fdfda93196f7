import fs from "node:fs";
import { pipeline } from "node:stream/promises";
import yazl from "yazl";
import type { CheckpointRepo } from "../git/checkpoints.js";
import { BlobReader } from "./blob-reader.js";

/**
 * Writes a zip of the workspace's files at a checkpoint (no `.git`, nothing git ignores): file
 * modes and symlinks kept, entries streamed one at a time from git's object store.
 */
export async function writeCheckpointZip(
  repo: CheckpointRepo,
  commit: string,
  file: string,
  mtime: Date,
): Promise<number> {
  const files = await repo.listFiles(commit);
  const zip = new yazl.ZipFile();
  const blobs = new BlobReader(repo.env);
  const tmp = `${file}.partial`;
  const written = pipeline(zip.outputStream, fs.createWriteStream(tmp, { mode: 0o644 }));
  let count = 0;
  try {
    for (const entry of files) {
      if (entry.type !== "blob") continue; // submodules (commits) are not files of this tree
      const mode = Number.parseInt(entry.mode, 8);
      const options = { mtime, mode, size: entry.size, compress: (mode & 0o170000) !== 0o120000 };
      zip.addReadStreamLazy(entry.path, options, (cb) => cb(null, blobs.read(entry.sha)));
      count++;
    }
    zip.end();
    await written;
  } finally {
    blobs.close();
  }
  fs.renameSync(tmp, file);
  return count;
}
