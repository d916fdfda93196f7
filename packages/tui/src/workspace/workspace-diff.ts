import type { RunGit } from "./git.js";

/** Untracked files shown by /diff at most (each as a whole-file addition). */
const MAX_UNTRACKED_FILES = 50;

export type WorkspaceDiff = { ok: true; diff: string; files: number } | { ok: false; message: string };

/**
 * What changed in the workspace, as git sees it: tracked changes against HEAD (staged or not)
 * and new files that are not ignored.
 */
export async function workspaceDiff(cwd: string, git: RunGit): Promise<WorkspaceDiff> {
  const top = await git(["rev-parse", "--show-toplevel"], { cwd });
  if (top.code === 127) return { ok: false, message: "/diff needs git, which is not available" };
  if (top.code !== 0)
    return { ok: false, message: `${cwd} is not in a git repository: /diff shows git changes` };
  const head = await git(["rev-parse", "--verify", "-q", "HEAD"], { cwd });
  // A repository without commits: compare with the empty tree.
  const base =
    head.code === 0 ? "HEAD" : (await git(["hash-object", "-t", "tree", "/dev/null"], { cwd })).stdout.trim();
  const tracked = await git(["diff", "--no-color", "--no-ext-diff", "--relative", base, "--", "."], { cwd });
  if (tracked.code !== 0) return { ok: false, message: `git diff failed: ${tracked.stderr.trim()}` };
  const others = await git(["ls-files", "--others", "--exclude-standard", "-z", "--", "."], { cwd });
  const untracked = others.stdout.split("\0").filter((file) => file !== "");
  const parts = [tracked.stdout];
  for (const file of untracked.slice(0, MAX_UNTRACKED_FILES)) {
    const added = await git(["diff", "--no-color", "--no-ext-diff", "--no-index", "--", "/dev/null", file], {
      cwd,
    });
    parts.push(added.stdout);
  }
  if (untracked.length > MAX_UNTRACKED_FILES)
    parts.push(`# … and ${untracked.length - MAX_UNTRACKED_FILES} more new files\n`);
  const diff = parts.join("");
  const files = (diff.match(/^diff --git /gm) ?? []).length;
  return { ok: true, diff, files };
}
