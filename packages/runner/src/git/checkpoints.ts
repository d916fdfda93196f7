import type { RepoInfo } from "../state/state-schema.js";
import { type GitEnv, git, gitText } from "./git.js";

/** The ref of checkpoint `n` of a run. */
export function checkpointRef(runId: string, n: number): string {
  return `refs/nightshift/runs/${runId}/${n}`;
}

/**
 * Checkpoints of a workspace as commits made with a private index: every file git does not ignore,
 * however it was changed (the model's patches, its shell commands, a build). The user's HEAD,
 * branches, index and stash are never written.
 */
export class CheckpointRepo {
  readonly #env: GitEnv;

  constructor(
    readonly repo: RepoInfo,
    readonly runId: string,
    now: () => number,
  ) {
    this.#env = { gitDir: repo.git_dir, workTree: repo.work_tree, indexFile: repo.index_file, now };
  }

  /** Stages the whole work tree into the private index and returns its tree id. */
  async snapshotTree(): Promise<string> {
    await git(this.#env, ["add", "-A", "--ignore-errors", "--", "."]).catch(async (err) => {
      // A file that vanished between the scan and its read is not a reason to lose the checkpoint.
      if (!String(err).includes("unable to")) throw err;
    });
    return gitText(this.#env, ["write-tree"]);
  }

  /** The commit the user's repository was at when the run started (null for a private repository). */
  async userHead(workspace: string): Promise<string | null> {
    if (this.repo.kind !== "git") return null;
    return gitText(null, ["rev-parse", "--verify", "-q", "HEAD"], { cwd: workspace }).catch(() => null);
  }

  /** Commits `tree` as checkpoint `n` (parent: the previous checkpoint) and points its ref at it. */
  async commit(n: number, tree: string, parent: string | null, message: string): Promise<string> {
    const args = ["commit-tree", tree, ...(parent ? ["-p", parent] : []), "-m", message];
    const commit = await gitText(this.#env, args);
    await git(this.#env, ["update-ref", checkpointRef(this.runId, n), commit]);
    return commit;
  }

  /**
   * Makes the work tree match `commit`: changed files are rewritten, files added since are removed
   * (those git ignores are left alone). The private index must hold the current work tree (take a
   * snapshot first) so nothing written since is missed.
   */
  async restore(commit: string): Promise<void> {
    await git(this.#env, ["read-tree", "-u", "--reset", commit]);
  }

  /**
   * Packs the private repository's objects. Its first snapshot leaves one loose object per file,
   * and git checks every index entry's object on each snapshot: packed, that stays fast on a big
   * tree. Never run on the user's repository.
   */
  async packPrivate(): Promise<void> {
    if (this.repo.kind === "private") await git(this.#env, ["repack", "-adq"]);
  }

  async treeOf(commit: string): Promise<string> {
    return gitText(this.#env, ["rev-parse", `${commit}^{tree}`]);
  }

  /** The last few checkpoints and the user's commits below them, one line each. */
  async log(commit: string, count = 12): Promise<string> {
    return gitText(this.#env, [
      "log",
      "--no-color",
      `-n${count}`,
      "--format=%h %ad %s",
      "--date=iso-strict",
      commit,
    ]).catch(() => "");
  }

  /** `git diff --stat` between two commits, restricted to the workspace. */
  async diffStat(from: string, to: string): Promise<string> {
    return gitText(this.#env, ["diff", "--no-color", "--stat=100", from, to, "--", this.#pathspec()]);
  }

  /** A binary-safe patch from one commit to another, paths relative to the workspace. */
  async binaryDiff(from: string, to: string): Promise<Buffer> {
    const relative = this.repo.prefix ? [`--relative=${this.repo.prefix}`] : [];
    return git(this.#env, [
      "diff",
      "--no-color",
      "--no-ext-diff",
      "--binary",
      "--full-index",
      ...relative,
      from,
      to,
    ]);
  }

  /** Files of a commit inside the workspace: `mode type sha size\tpath` records. */
  async listFiles(
    commit: string,
  ): Promise<{ mode: string; type: string; sha: string; size: number; path: string }[]> {
    const treeish = this.repo.prefix ? `${commit}:${this.repo.prefix}` : commit;
    const out = await git(this.#env, ["ls-tree", "-r", "-l", "-z", "--full-tree", treeish]);
    const files = [];
    for (const record of out.toString("utf8").split("\0")) {
      if (!record) continue;
      const tab = record.indexOf("\t");
      const [mode, type, sha, size] = record.slice(0, tab).split(/\s+/);
      files.push({
        mode: mode!,
        type: type!,
        sha: sha!,
        size: Number(size) || 0,
        path: record.slice(tab + 1),
      });
    }
    return files;
  }

  get env(): GitEnv {
    return this.#env;
  }

  #pathspec(): string {
    return this.repo.prefix ? `:(top)${this.repo.prefix}` : ".";
  }
}
