import fs from "node:fs";
import { checkLinkTarget, safeEntryPath } from "./entry-path.js";
import { SafeWriter } from "./extract.js";
import { ArchiveBudget, ArchiveError, type ArchiveLimits } from "./limits.js";
import type { EntryVisitor } from "./reader.js";
import { readTar } from "./tar-reader.js";
import { readZip } from "./zip-reader.js";

export type ArchiveFormat = "zip" | "tar.gz" | "tar";
export type ArchiveSummary = { format: ArchiveFormat; entries: number; unpacked_bytes: number };

/** The archive's format from its first bytes; anything else is refused. */
export function detectFormat(file: string): ArchiveFormat {
  const head = Buffer.alloc(512);
  const fd = fs.openSync(file, "r");
  let read: number;
  try {
    read = fs.readSync(fd, head, 0, 512, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (read >= 4 && head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5)) return "zip";
  if (read >= 2 && head[0] === 0x1f && head[1] === 0x8b) return "tar.gz";
  if (read >= 262 && head.subarray(257, 262).toString("latin1") === "ustar") return "tar";
  throw new ArchiveError("the file is not a zip or tar.gz archive; upload the project as .zip or .tar.gz");
}

/** Reads the whole archive and checks it against the limits, writing nothing. */
export function inspectArchive(file: string, limits: ArchiveLimits): Promise<ArchiveSummary> {
  return walk(file, limits, null);
}

/** Unpacks the archive into `dest` (nothing lands outside it); throws ArchiveError when it is refused. */
export function unpackArchive(file: string, dest: string, limits: ArchiveLimits): Promise<ArchiveSummary> {
  return walk(file, limits, new SafeWriter(dest));
}

async function walk(file: string, limits: ArchiveLimits, writer: SafeWriter | null): Promise<ArchiveSummary> {
  const format = detectFormat(file);
  const budget = new ArchiveBudget(limits, fs.statSync(file).size);
  const files = new Set<string>();
  const symlinks: { rel: string; target: string }[] = [];
  const copies: { rel: string; from: string }[] = [];
  const visit: EntryVisitor = async (header, open) => {
    budget.entry();
    const rel = safeEntryPath(header.name);
    if (rel === null) {
      if (header.kind === "dir") return;
      throw new ArchiveError(`an entry of kind ${header.kind} has no name`);
    }
    switch (header.kind) {
      case "special":
        throw new ArchiveError(
          `the entry ${JSON.stringify(rel)} is a ${header.special}; device files, fifos and sockets are refused`,
        );
      case "dir":
        writer?.dir(rel);
        return;
      case "symlink":
        checkLinkTarget(rel, header.target ?? "");
        symlinks.push({ rel, target: header.target! });
        return;
      case "hardlink": {
        const from = safeEntryPath(header.target ?? "");
        if (from === null || !files.has(from)) {
          throw new ArchiveError(
            `the hard link ${JSON.stringify(rel)} points to ${JSON.stringify(header.target)}, which is not a file earlier in the archive`,
          );
        }
        copies.push({ rel, from });
        return;
      }
      case "file": {
        budget.add(header.size);
        files.add(rel);
        if (!writer || !open) return;
        let written = 0;
        await writer.file(rel, header.mode, header.size, await open(), (bytes) => {
          written += bytes;
          if (written > header.size)
            throw new ArchiveError(`the entry ${JSON.stringify(rel)} holds more than its declared size`);
        });
        return;
      }
    }
  };
  if (format === "zip") await readZip(file, visit);
  else await readTar(file, format === "tar.gz", visit);
  for (const { rel, from } of copies) {
    budget.add(0);
    writer?.copy(rel, from);
  }
  for (const { rel, target } of symlinks) writer?.symlink(rel, target);
  return { format, entries: budget.entries, unpacked_bytes: budget.bytes };
}
