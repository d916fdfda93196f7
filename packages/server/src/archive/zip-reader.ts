import type { Readable } from "node:stream";
import yauzl from "yauzl";
import { ArchiveError } from "./limits.js";
import { type EntryHeader, type EntryVisitor, MAX_LINK_TARGET } from "./reader.js";

const S_IFMT = 0o170000;
// A Map, not an object: octal literals as object keys are not safe from formatters.
const SPECIAL = new Map<number, string>([
  [0o010000, "fifo"],
  [0o020000, "character device"],
  [0o060000, "block device"],
  [0o140000, "socket"],
]);

/** Reads a zip from its central directory: every entry's name, type and size before any content. */
export async function readZip(file: string, visit: EntryVisitor): Promise<void> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(file, {
      lazyEntries: true,
      decodeStrings: false,
      validateEntrySizes: true,
      autoClose: false,
    });
  } catch (err) {
    throw new ArchiveError(`the archive is not a valid zip: ${(err as Error).message}`);
  }
  try {
    for await (const entry of zip.eachEntry()) {
      const raw = entry.fileName as unknown as Buffer;
      const name = entryName(entry, raw);
      const header = headerOf(entry, name);
      const open = async (): Promise<Readable> => {
        if (entry.isEncrypted()) throw new ArchiveError(`the entry ${JSON.stringify(name)} is encrypted`);
        return zip.openReadStreamPromise(entry);
      };
      if (header.kind === "symlink") {
        if (entry.uncompressedSize > MAX_LINK_TARGET)
          throw new ArchiveError(
            `the link ${JSON.stringify(name)} has a target longer than ${MAX_LINK_TARGET} bytes`,
          );
        header.target = await readAll(await open());
      }
      await visit(header, header.kind === "file" ? open : null);
    }
  } catch (err) {
    if (err instanceof ArchiveError) throw err;
    throw new ArchiveError(`the zip could not be read: ${(err as Error).message}`);
  } finally {
    zip.close();
  }
}

/** The entry's name as yauzl decodes it (CP437 or UTF-8); a name it refuses is checked by our own rules. */
function entryName(entry: yauzl.Entry, raw: Buffer): string {
  try {
    return yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, raw, entry.extraFields, false);
  } catch {
    return raw.toString("utf8");
  }
}

function headerOf(entry: yauzl.Entry, name: string): EntryHeader {
  const unix = entry.versionMadeBy >> 8 === 3;
  const mode = unix ? (entry.externalFileAttributes >>> 16) & 0xffff : 0;
  const type = mode & S_IFMT;
  const base = { name, size: 0, mode: mode & 0o7777 || 0o644 };
  if (type === 0o120000) return { ...base, kind: "symlink" };
  const special = SPECIAL.get(type);
  if (special) return { ...base, kind: "special", special };
  if (type === 0o040000 || name.endsWith("/")) return { ...base, kind: "dir" };
  return { ...base, kind: "file", size: entry.uncompressedSize };
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
