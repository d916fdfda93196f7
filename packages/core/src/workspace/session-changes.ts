import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { type GitEnv, git, gitText } from "../util/git.js";

/** Folders never recorded, even when the project does not ignore them. */
const ALWAYS_EXCLUDED = ["node_modules/", ".venv/", "__pycache__/"];

/** Session ids become ref names: anything else is refused rather than escaped. */
const SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Where the snapshots of one workspace are kept: a private bare repository under the home. */
export function changesRepository(home: string, cwd: string): string {
  const key = createHash("sha256").update(path.resolve(cwd)).digest("hex").slice(0, 16);
  return path.join(home, "changes", `${key}.git`);
}

function refs(sessionId: string): { base: string; head: string } {
  if (!SESSION_ID.test(sessionId)) throw new Error(`not a session id: ${JSON.stringify(sessionId)}`);
  return { base: `refs/sessions/${sessionId}/base`, head: `refs/sessions/${sessionId}/head` };
}

/**
 * What a session changed in its workspace, recorded as two snapshots in a private repository: the
 * workspace before the session's first turn (`base`) and after its latest one (`head`). The
 * project's own repository, index and refs are never touched, and a folder that is not a git
 * repository works the same; ignored files (and dependency folders) are left out. `nightshift
 * apply` turns the two into a patch for another checkout.
 */
export class SessionChanges {
  readonly #env: GitEnv;
  readonly #refs: { base: string; head: string };
  #ready: Promise<void> | null = null;
  #hasBase = false;

  constructor(args: { home: string; cwd: string; sessionId: string; now: () => number }) {
    const gitDir = changesRepository(args.home, args.cwd);
    this.#refs = refs(args.sessionId);
    this.#env = {
      gitDir,
      workTree: args.cwd,
      indexFile: path.join(gitDir, "indexes", args.sessionId),
      now: args.now,
    };
  }

  /** Snapshots the workspace before a turn; only the first one becomes the session's base. */
  async beforeTurn(): Promise<void> {
    if (this.#hasBase) return;
    await this.#init();
    try {
      await gitText(this.#env, ["rev-parse", "--verify", "--quiet", `${this.#refs.base}^{tree}`]);
    } catch {
      await git(this.#env, ["update-ref", this.#refs.base, await this.#snapshot()]);
    }
    this.#hasBase = true;
  }

  /** Snapshots the workspace after a turn as the session's latest state. */
  async afterTurn(): Promise<void> {
    await this.#init();
    await git(this.#env, ["update-ref", this.#refs.head, await this.#snapshot()]);
  }

  /** The workspace as a tree object (refs point at trees: that keeps them and their files alive). */
  async #snapshot(): Promise<string> {
    await git(this.#env, ["add", "-A", "--ignore-errors", "--", "."]);
    return gitText(this.#env, ["write-tree"]);
  }

  #init(): Promise<void> {
    this.#ready ??= (async () => {
      fs.mkdirSync(path.dirname(this.#env.indexFile), { recursive: true, mode: 0o700 });
      if (fs.existsSync(path.join(this.#env.gitDir, "HEAD"))) return;
      await git(null, ["init", "-q", "--bare", this.#env.gitDir]);
      fs.mkdirSync(path.join(this.#env.gitDir, "info"), { recursive: true });
      fs.writeFileSync(path.join(this.#env.gitDir, "info", "exclude"), `${ALWAYS_EXCLUDED.join("\n")}\n`);
    })();
    return this.#ready;
  }
}

export type RecordedChanges = {
  /** A binary git patch from the session's base to its latest snapshot ("" when nothing changed). */
  patch: string;
  /** Files the patch touches. */
  files: string[];
};

/**
 * The changes a session recorded, or null when it recorded none (it never ran a turn, or ran
 * before changes were recorded). Reads only the private repository, not the workspace.
 */
export async function readSessionChanges(args: {
  home: string;
  cwd: string;
  sessionId: string;
}): Promise<RecordedChanges | null> {
  const gitDir = changesRepository(args.home, args.cwd);
  if (!fs.existsSync(path.join(gitDir, "HEAD"))) return null;
  const { base, head } = refs(args.sessionId);
  const dir = ["--git-dir", gitDir];
  const resolve = async (ref: string) => {
    try {
      return await gitText(null, [...dir, "rev-parse", "--verify", "--quiet", `${ref}^{tree}`]);
    } catch {
      return null;
    }
  };
  const from = await resolve(base);
  const to = await resolve(head);
  if (!from || !to) return null;
  const files = (await git(null, [...dir, "diff", "--name-only", "-z", "--no-renames", from, to]))
    .toString("utf8")
    .split("\0")
    .filter((file) => file !== "");
  const patch = (
    await git(null, [...dir, "diff", "--binary", "--full-index", "--no-renames", "--no-color", from, to])
  ).toString("utf8");
  return { patch, files };
}
