import fs from "node:fs";
import path from "node:path";
import type { ArchiveLimits } from "../archive/limits.js";
import { sanitizeGit } from "../archive/sanitize-git.js";
import { unpackArchive } from "../archive/unpack.js";
import type { BlobStore } from "../storage/blobs.js";
import type { FileRow } from "../storage/types.js";

/** Where a task's project is unpacked: a folder of its own in the server's tasks folder. */
export function taskDir(tasksDir: string, taskId: string): string {
  return path.join(tasksDir, taskId);
}

/**
 * Unpacks the task's archives, in order, into a fresh folder (anything from an earlier attempt is
 * removed first) and returns the project folder: the single top folder when the archives hold
 * only one (the usual layout of a tarball), else the folder itself. An uploaded `.git` is made safe.
 */
export async function prepareWorkspace(args: {
  tasksDir: string;
  taskId: string;
  files: FileRow[];
  blobs: BlobStore;
  limits: ArchiveLimits;
}): Promise<string> {
  const root = path.join(taskDir(args.tasksDir, args.taskId), "project");
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  for (const file of args.files) await unpackArchive(args.blobs.path(file.blob_key), root, args.limits);
  const entries = fs.readdirSync(root, { withFileTypes: true });
  const workspace =
    entries.length === 1 && entries[0]!.isDirectory() && entries[0]!.name !== ".git"
      ? path.join(root, entries[0]!.name)
      : root;
  sanitizeGit(workspace);
  return workspace;
}
