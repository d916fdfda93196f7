import { spawn } from "node:child_process";

export class GitError extends Error {
  override name = "GitError";
}

/** How git is run for one repository: its git dir, work tree and private index. */
export type GitEnv = {
  gitDir: string;
  workTree: string;
  /** The private index (never the user's `.git/index`). */
  indexFile: string;
  /** Author and committer dates come from the run's clock. */
  now: () => number;
};

/**
 * Runs git and returns its stdout. Everything is passed explicitly (git dir, work tree, index) so
 * nothing depends on the caller's folder or the user's environment; hooks never run for the
 * plumbing used here, and the fsmonitor is off so a private index is never confused with the user's.
 */
export function git(
  env: GitEnv | null,
  args: string[],
  options: { cwd?: string; input?: string } = {},
): Promise<Buffer> {
  const base = ["-c", "core.fsmonitor=false", "-c", "core.quotepath=false", "-c", "gc.auto=0"];
  const full = env
    ? [...base, `--git-dir=${env.gitDir}`, `--work-tree=${env.workTree}`, ...args]
    : [...base, ...args];
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(childEnv)) if (name.startsWith("GIT_")) delete childEnv[name];
  if (env) {
    const date = `${Math.floor(env.now() / 1000)} +0000`;
    Object.assign(childEnv, {
      GIT_INDEX_FILE: env.indexFile,
      GIT_AUTHOR_NAME: "nightshift",
      GIT_AUTHOR_EMAIL: "nightshift@localhost",
      GIT_COMMITTER_NAME: "nightshift",
      GIT_COMMITTER_EMAIL: "nightshift@localhost",
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_DATE: date,
    });
  }
  childEnv.GIT_TERMINAL_PROMPT = "0";
  childEnv.GIT_OPTIONAL_LOCKS = "0";
  return new Promise((resolve, reject) => {
    const child = spawn("git", full, {
      cwd: options.cwd ?? env?.workTree,
      env: childEnv,
      stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr!.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", (e) => reject(new GitError(`cannot run git: ${e.message}`)));
    child.on("close", (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else
        reject(
          new GitError(
            `git ${args.slice(0, 2).join(" ")} failed (exit ${code}): ${Buffer.concat(err).toString("utf8").trim()}`,
          ),
        );
    });
    if (child.stdin) {
      child.stdin.on("error", () => {}); // git may exit before reading all of it; its exit code tells
      child.stdin.end(options.input);
    }
  });
}

export async function gitText(
  env: GitEnv | null,
  args: string[],
  options: { cwd?: string } = {},
): Promise<string> {
  return (await git(env, args, options)).toString("utf8").trim();
}
