import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { Readable } from "node:stream";
import type { GitEnv } from "../git/git.js";

/**
 * Reads blobs through one `git cat-file --batch` process, one at a time, as streams: a zip of a
 * 60k-file tree neither starts 60k processes nor holds the files in memory.
 */
export class BlobReader {
  readonly #child: ChildProcessWithoutNullStreams;
  #buffer: Buffer = Buffer.alloc(0);
  #waiting: (() => void) | null = null;
  #ended = false;

  constructor(env: GitEnv) {
    this.#child = spawn("git", [`--git-dir=${env.gitDir}`, "cat-file", "--batch"], {
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, GIT_INDEX_FILE: env.indexFile },
    });
    this.#child.stdout.on("data", (chunk: Buffer) => {
      this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
      this.#wake();
    });
    this.#child.stdout.on("end", () => {
      this.#ended = true;
      this.#wake();
    });
    this.#child.on("error", () => {
      this.#ended = true;
      this.#wake();
    });
  }

  /** The blob's bytes as a stream (read fully before asking for the next one). */
  read(sha: string): Readable {
    const reader = this;
    return Readable.from(
      (async function* () {
        reader.#child.stdin.write(`${sha}\n`);
        const header = await reader.#line();
        const [, type, sizeText] = header.split(" ");
        if (type !== "blob") throw new Error(`git cat-file: ${header}`);
        let left = Number(sizeText);
        while (left > 0) {
          const chunk = await reader.#take(left);
          left -= chunk.length;
          yield chunk;
        }
        await reader.#take(1); // the newline after the content
      })(),
      { objectMode: false },
    );
  }

  close(): void {
    this.#child.stdin.end();
    this.#child.kill();
  }

  async #line(): Promise<string> {
    while (true) {
      const newline = this.#buffer.indexOf(0x0a);
      if (newline >= 0) {
        const line = this.#buffer.subarray(0, newline).toString("utf8");
        this.#buffer = this.#buffer.subarray(newline + 1);
        return line;
      }
      await this.#more();
    }
  }

  async #take(max: number): Promise<Buffer> {
    while (this.#buffer.length === 0) await this.#more();
    const chunk = this.#buffer.subarray(0, Math.min(max, this.#buffer.length));
    this.#buffer = this.#buffer.subarray(chunk.length);
    return Buffer.from(chunk);
  }

  #more(): Promise<void> {
    if (this.#ended) return Promise.reject(new Error("git cat-file ended early"));
    return new Promise((resolve) => {
      this.#waiting = resolve;
    });
  }

  #wake(): void {
    const waiting = this.#waiting;
    this.#waiting = null;
    waiting?.();
  }
}
