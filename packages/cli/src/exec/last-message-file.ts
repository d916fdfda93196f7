import fs from "node:fs";
import path from "node:path";
import { SetupError } from "@nightshift/core";

/**
 * The `-o FILE` of exec, opened before the turn (never through a symbolic link) and written at the
 * end only if the path still names the file opened: a model that swaps it for a link to somewhere
 * else during the turn gets nothing written there.
 */
export class LastMessageFile {
  readonly path: string;
  readonly #fd: number;

  private constructor(file: string, fd: number) {
    this.path = file;
    this.#fd = fd;
  }

  /** Opens (creating) the file; throws a SetupError with a message for the user. */
  static open(file: string, cwd: string): LastMessageFile {
    const full = path.resolve(cwd, file);
    try {
      const fd = fs.openSync(
        full,
        fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK,
        0o644,
      );
      if (!fs.fstatSync(fd).isFile()) {
        fs.closeSync(fd);
        throw new Error("not a regular file");
      }
      return new LastMessageFile(full, fd);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === "ELOOP" ? "it is a symbolic link" : (err as Error).message;
      throw new SetupError(`--output-last-message ${full}: cannot write there (${why})`);
    }
  }

  /** Writes `text` as the file's whole content; returns a problem to report, or null. */
  write(text: string): string | null {
    try {
      const opened = fs.fstatSync(this.#fd);
      let now: fs.Stats | null = null;
      try {
        now = fs.lstatSync(this.path);
      } catch {
        now = null;
      }
      if (!now || now.dev !== opened.dev || now.ino !== opened.ino) {
        return `--output-last-message ${this.path} was replaced or removed during the turn; nothing was written through it`;
      }
      fs.ftruncateSync(this.#fd, 0);
      const bytes = Buffer.from(text, "utf8");
      let offset = 0;
      while (offset < bytes.length)
        offset += fs.writeSync(this.#fd, bytes, offset, bytes.length - offset, offset);
      return null;
    } catch (err) {
      return `--output-last-message ${this.path}: ${(err as Error).message}`;
    } finally {
      fs.closeSync(this.#fd);
    }
  }
}
