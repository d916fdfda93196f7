import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { RunGit } from "./git.js";

/** The workspace as it was before a turn, and after it once the turn ended. */
export type Checkpoint = { before: string; after: string | null; label: string };

export type RestoreResult = { restored: string[]; removed: string[] };

/** Folders left out of snapshots even when the project does not ignore them. */
const ALWAYS_EXCLUDED = ["node_modules/", ".venv/", "__pycache__/", ".nightshift-test/"];

/**
 * Snapshots of the workspace for `/undo`, kept in a private git repository under the nightshift
 * home (one per folder): the project's own repository, index and refs are never touched, and a
 * folder that is not a git repository works the same. A snapshot is a tree object written from a
 * private index, so only files changed since the last one are read again.
 */
export class Checkpoints {
  readonly #cwd: string;
  readonly #gitDir: string;
  readonly #git: RunGit;
  readonly #stack: Checkpoint[] = [];
  #ready: Promise<boolean> | null = null;
  /** Operations run one after another (a snapshot after a turn finishes before the next one starts). */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(args: { home: string; cwd: string; git: RunGit }) {
    this.#cwd = args.cwd;
    this.#git = args.git;
    const key = createHash("sha256").update(args.cwd).digest("hex").slice(0, 16);
    this.#gitDir = path.join(args.home, "checkpoints", `${key}.git`);
  }

  /** How many turns can be undone. */
  get depth(): number {
    return this.#stack.length;
  }

  /** Snapshots the workspace before a turn. Returns a problem to show, or null. */
  beforeTurn(label: string): Promise<string | null> {
    return this.#serial(() => this.#beforeTurn(label));
  }

  /** Snapshots the workspace after the turn, so /undo restores only what the turn changed. */
  afterTurn(): Promise<void> {
    return this.#serial(() => this.#afterTurn());
  }

  /**
   * Puts back the files the last turn changed (as they were before it), removes the files it
   * created, and forgets that turn. Null when there is nothing to undo.
   */
  undoLast(): Promise<(RestoreResult & { label: string }) | null> {
    return this.#serial(() => this.#undoLast());
  }

  #serial<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(operation);
    this.#queue = result.catch(() => {});
    return result;
  }

  async #beforeTurn(label: string): Promise<string | null> {
    const tree = await this.#snapshot();
    if (typeof tree !== "string") return tree.problem;
    this.#stack.push({ before: tree, after: null, label });
    return null;
  }

  async #afterTurn(): Promise<void> {
    const last = this.#stack.at(-1);
    if (!last || last.after !== null) return;
    const tree = await this.#snapshot();
    if (typeof tree === "string") last.after = tree;
  }

  async #undoLast(): Promise<(RestoreResult & { label: string }) | null> {
    const checkpoint = this.#stack.pop();
    if (!checkpoint) return null;
    const after = checkpoint.after ?? (await this.#snapshot());
    if (typeof after !== "string") throw new Error(after.problem);
    const diff = await this.#run([
      "diff-tree",
      "-r",
      "-z",
      "--no-renames",
      "--name-status",
      checkpoint.before,
      after,
    ]);
    const fields = diff.split("\0").filter((field) => field !== "");
    const restored: string[] = [];
    const removed: string[] = [];
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const status = fields[i]!;
      const file = fields[i + 1]!;
      if (status === "A") removed.push(file);
      else restored.push(file);
    }
    for (const file of removed) fs.rmSync(path.join(this.#cwd, file), { force: true });
    if (restored.length > 0) {
      // Through the private index: the files come back as they were, the project's git never sees it.
      await this.#run(["checkout", checkpoint.before, "--", ...restored.map((file) => `:(literal)${file}`)]);
    }
    await this.#run(["add", "-A", "--", "."]);
    return { restored, removed, label: checkpoint.label };
  }

  async #snapshot(): Promise<string | { problem: string }> {
    if (!(await this.#init()))
      return { problem: "checkpoints need git, which is not available: /undo is off" };
    try {
      await this.#run(["add", "-A", "--ignore-errors", "--", "."]);
      return (await this.#run(["write-tree"])).trim();
    } catch (err) {
      return { problem: `could not snapshot the workspace for /undo: ${(err as Error).message}` };
    }
  }

  #init(): Promise<boolean> {
    this.#ready ??= (async () => {
      if (fs.existsSync(path.join(this.#gitDir, "HEAD"))) return true;
      fs.mkdirSync(path.dirname(this.#gitDir), { recursive: true, mode: 0o700 });
      const made = await this.#git(["init", "-q", "--bare", this.#gitDir], { cwd: this.#cwd });
      if (made.code !== 0) return false;
      fs.mkdirSync(path.join(this.#gitDir, "info"), { recursive: true });
      fs.writeFileSync(path.join(this.#gitDir, "info", "exclude"), `${ALWAYS_EXCLUDED.join("\n")}\n`);
      return true;
    })();
    return this.#ready;
  }

  async #run(args: string[]): Promise<string> {
    const result = await this.#git(args, {
      cwd: this.#cwd,
      env: {
        GIT_DIR: this.#gitDir,
        GIT_WORK_TREE: this.#cwd,
        GIT_INDEX_FILE: path.join(this.#gitDir, "nightshift-index"),
      },
    });
    if (result.code !== 0) throw new Error(result.stderr.trim() || `git ${args[0]} failed (${result.code})`);
    return result.stdout;
  }
}
