import fs from "node:fs";
import path from "node:path";
import { Fzf } from "fzf";
import type { RunGit } from "./git.js";

/** Files listed for `@` mentions at most (a huge tree must not stall the interface). */
const MAX_FILES = 50_000;
const SKIPPED_DIRS = new Set([".git", "node_modules", ".venv", "__pycache__", "target", "dist", ".next"]);

/**
 * The workspace's files for `@` mentions, listed once on first use (git's view when it is a
 * repository: tracked and new files, not ignored ones; otherwise a bounded walk) and searched
 * with fzf's fuzzy matching.
 */
export class FileIndex {
  readonly #cwd: string;
  readonly #git: RunGit;
  #files: Promise<Fzf<string[]>> | null = null;

  constructor(cwd: string, git: RunGit) {
    this.#cwd = cwd;
    this.#git = git;
  }

  async search(query: string, limit: number): Promise<string[]> {
    this.#files ??= this.#list().then((files) => new Fzf(files, { limit: 200 }));
    const finder = await this.#files;
    return finder
      .find(query)
      .slice(0, limit)
      .map((entry: { item: string }) => entry.item);
  }

  async #list(): Promise<string[]> {
    const listed = await this.#git(["ls-files", "--cached", "--others", "--exclude-standard", "-z"], {
      cwd: this.#cwd,
    });
    if (listed.code === 0) {
      return listed.stdout
        .split("\0")
        .filter((file) => file !== "")
        .slice(0, MAX_FILES);
    }
    return walk(this.#cwd);
  }
}

function walk(root: string): string[] {
  const files: string[] = [];
  const pending = [""];
  while (pending.length > 0 && files.length < MAX_FILES) {
    const dir = pending.shift()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(root, dir), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const rel = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) pending.push(rel);
      } else if (entry.isFile()) files.push(rel);
    }
  }
  return files;
}
