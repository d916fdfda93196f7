import fs from "node:fs";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import tar from "tar-stream";
import { ArchiveError } from "./limits.js";
import type { EntryHeader, EntryKind, EntryVisitor } from "./reader.js";

const KINDS: Record<string, EntryKind> = {
  file: "file",
  "contiguous-file": "file",
  directory: "dir",
  symlink: "symlink",
  link: "hardlink",
};

/** Reads a tar (gzipped or not) entry by entry; each header is seen before any of its data. */
export async function readTar(file: string, gzipped: boolean, visit: EntryVisitor): Promise<void> {
  const extract = tar.extract();
  extract.on("entry", (header, stream, next) => {
    const type = header.type ?? "file";
    const kind = KINDS[type] ?? "special";
    const entry: EntryHeader = {
      name: header.name,
      kind,
      size: kind === "file" ? (header.size ?? 0) : 0,
      mode: header.mode ?? 0o644,
      target: header.linkname ?? undefined,
      special: kind === "special" ? type.replace(/-/g, " ") : undefined,
    };
    const ended = new Promise<void>((resolve, reject) => {
      stream.on("end", resolve);
      stream.on("error", reject);
    });
    ended.catch(() => {}); // a refused entry destroys the stream: that error is the visitor's
    const open = kind === "file" ? async (): Promise<Readable> => stream as unknown as Readable : null;
    visit(entry, open).then(
      () => {
        stream.resume();
        ended.then(() => next(), next);
      },
      (err: unknown) => {
        stream.resume();
        next(err as Error);
      },
    );
  });
  const source = fs.createReadStream(file);
  try {
    if (gzipped) await pipeline(source, createGunzip(), extract);
    else await pipeline(source, extract);
  } catch (err) {
    if (err instanceof ArchiveError) throw err;
    throw new ArchiveError(
      `the archive is not a valid tar${gzipped ? ".gz" : ""}: ${(err as Error).message}`,
    );
  }
}
