import fs from "node:fs";
import path from "node:path";
import type { CheckpointRepo } from "../git/checkpoints.js";
import { writeFileAtomic } from "../state/atomic-file.js";
import type { Checkpoint, OutputFormat } from "../state/state-schema.js";
import { writeCheckpointZip } from "./zip.js";

export type Delivered = { format: OutputFormat; path: string | null; checkpoint: number | null };

/** The checkpoint a run delivers: the last green one, else the latest. */
export function deliveredCheckpoint(checkpoints: readonly Checkpoint[]): Checkpoint | null {
  for (let i = checkpoints.length - 1; i >= 0; i--) if (checkpoints[i]!.green) return checkpoints[i]!;
  return checkpoints.at(-1) ?? null;
}

/**
 * Writes the artifact of a checkpoint: a zip of its files, or a binary-safe patch from the start
 * (checkpoint 0) to it. Written beside the target and renamed, so a kill never leaves half a file.
 */
export async function deliverArtifact(args: {
  repo: CheckpointRepo;
  format: OutputFormat;
  target: string | null;
  checkpoint: Checkpoint | null;
  start: Checkpoint | null;
  mtime: Date;
}): Promise<Delivered> {
  const { repo, format, target, checkpoint, start } = args;
  if (format === "none" || !target || !checkpoint) {
    return { format, path: null, checkpoint: checkpoint?.n ?? null };
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  if (format === "zip") {
    await writeCheckpointZip(repo, checkpoint.commit, target, args.mtime);
  } else {
    const patch = start ? await repo.binaryDiff(start.commit, checkpoint.commit) : Buffer.alloc(0);
    writeFileAtomic(target, patch);
  }
  return { format, path: target, checkpoint: checkpoint.n };
}
