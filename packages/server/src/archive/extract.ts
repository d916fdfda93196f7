import fs from "node:fs";
import path from "node:path";
import { type Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ArchiveError } from "./limits.js";

/** Files up to this size are written with one call per chunk, without a write stream. */
const SMALL_FILE = 1024 * 1024;

/**
 * Writes entries into `root` and nowhere else: every folder on the way is checked (a link may
 * only lead to a folder inside the root), files are opened without following a link, and nothing
 * is ever written through a link to the outside.
 */
export class SafeWriter {
  readonly #root: string;

  constructor(root: string) {
    fs.mkdirSync(root, { recursive: true });
    this.#root = fs.realpathSync(root);
  }

  dir(rel: string): void {
    this.#ensureDir(rel);
  }

  /** Writes a file from `content`; `count` sees every chunk (and may throw to stop). */
  async file(
    rel: string,
    mode: number,
    size: number,
    content: Readable,
    count: (bytes: number) => void,
  ): Promise<void> {
    const parent = this.#ensureDir(path.posix.dirname(rel));
    const target = path.join(parent, path.posix.basename(rel));
    let fd: number;
    try {
      const flags =
        fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | fs.constants.O_NOFOLLOW;
      fd = fs.openSync(target, flags, mode & 0o111 ? 0o755 : 0o644);
    } catch (err) {
      throw new ArchiveError(`the entry ${JSON.stringify(rel)} cannot be written: ${describe(err)}`);
    }
    if (!fs.fstatSync(fd).isFile()) {
      fs.closeSync(fd);
      throw new ArchiveError(`the entry ${JSON.stringify(rel)} would overwrite something that is not a file`);
    }
    if (size <= SMALL_FILE) {
      // Most files of a project are small: read them whole and write once (no stream per file).
      try {
        for await (const chunk of content) {
          count((chunk as Buffer).length);
          fs.writeSync(fd, chunk as Buffer);
        }
      } finally {
        fs.closeSync(fd);
      }
      return;
    }
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        try {
          count(chunk.length);
          done(null, chunk);
        } catch (err) {
          done(err as Error);
        }
      },
    });
    await pipeline(content, meter, fs.createWriteStream("", { fd }));
  }

  symlink(rel: string, target: string): void {
    const parent = this.#ensureDir(path.posix.dirname(rel));
    try {
      fs.symlinkSync(target, path.join(parent, path.posix.basename(rel)));
    } catch (err) {
      throw new ArchiveError(`the link ${JSON.stringify(rel)} cannot be made: ${describe(err)}`);
    }
  }

  /** A hard link becomes a copy of a file already unpacked (never a link to anything outside). */
  copy(rel: string, from: string): void {
    const source = path.join(this.#ensureDir(path.posix.dirname(from)), path.posix.basename(from));
    const stat = fs.lstatSync(source, { throwIfNoEntry: false });
    if (!stat?.isFile())
      throw new ArchiveError(
        `the hard link ${JSON.stringify(rel)} points to ${JSON.stringify(from)}, which is not a file in the archive`,
      );
    const parent = this.#ensureDir(path.posix.dirname(rel));
    fs.copyFileSync(source, path.join(parent, path.posix.basename(rel)), fs.constants.COPYFILE_EXCL);
  }

  /** Creates the folders of `rel` one by one; a link on the way must lead to a folder inside the root. */
  #ensureDir(rel: string): string {
    let current = this.#root;
    if (rel === "." || rel === "") return current;
    for (const part of rel.split("/")) {
      const next = path.join(current, part);
      const stat = fs.lstatSync(next, { throwIfNoEntry: false });
      if (!stat) {
        fs.mkdirSync(next, { mode: 0o755 });
        current = next;
        continue;
      }
      if (stat.isSymbolicLink()) {
        const real = fs.realpathSync(next);
        if (real !== this.#root && !real.startsWith(this.#root + path.sep)) {
          throw new ArchiveError(
            `the entry path ${JSON.stringify(rel)} leads outside the project through a link`,
          );
        }
        if (!fs.statSync(real).isDirectory())
          throw new ArchiveError(`${JSON.stringify(rel)} is not a folder`);
        current = real;
        continue;
      }
      if (!stat.isDirectory())
        throw new ArchiveError(`the entry path ${JSON.stringify(rel)} runs through a file`);
      current = next;
    }
    return current;
  }
}

function describe(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ELOOP") return "a link is in the way";
  if (code === "EEXIST") return "it is there already";
  if (code === "EISDIR") return "a folder is in the way";
  return (err as Error).message;
}
