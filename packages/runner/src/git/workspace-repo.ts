import fs from "node:fs";
import path from "node:path";
import type { RepoInfo } from "../state/state-schema.js";
import { git, gitText } from "./git.js";

/** Left out of a private repository's snapshots (a folder without git has no .gitignore of its own). */
const PRIVATE_EXCLUDES = ["node_modules/", ".venv/", "__pycache__/", ".DS_Store", ".git"];

/**
 * Where checkpoints of a workspace are kept. Inside a git repository: the repository itself (objects
 * and refs under refs/nightshift/…), with a private index in the run folder. Elsewhere: a private
 * repository in the run folder whose work tree is the workspace. The user's HEAD, branches, index
 * and stash are never read for writing, and nothing is written into the workspace.
 */
export async function openWorkspaceRepo(
  workspace: string,
  paths: { privateGitDir: string; index: string },
): Promise<RepoInfo> {
  const inside = await gitText(null, ["rev-parse", "--is-inside-work-tree"], { cwd: workspace }).catch(
    () => "false",
  );
  if (inside === "true") {
    const top = await gitText(null, ["rev-parse", "--show-toplevel"], { cwd: workspace });
    const gitDir = path.resolve(
      workspace,
      await gitText(null, ["rev-parse", "--git-common-dir"], { cwd: workspace }),
    );
    const userIndex = path.resolve(
      workspace,
      await gitText(null, ["rev-parse", "--git-path", "index"], { cwd: workspace }),
    );
    // Start from a copy of the user's index: its stat data lets the first snapshot hash only changed files.
    if (!fs.existsSync(paths.index) && fs.existsSync(userIndex)) fs.copyFileSync(userIndex, paths.index);
    const prefix = path.relative(fs.realpathSync(top), fs.realpathSync(workspace)).split(path.sep).join("/");
    return { kind: "git", git_dir: gitDir, work_tree: top, prefix, index_file: paths.index };
  }
  if (!fs.existsSync(path.join(paths.privateGitDir, "HEAD"))) {
    await git(null, ["init", "-q", "--bare", paths.privateGitDir]);
    fs.writeFileSync(path.join(paths.privateGitDir, "info", "exclude"), `${PRIVATE_EXCLUDES.join("\n")}\n`);
  }
  return {
    kind: "private",
    git_dir: paths.privateGitDir,
    work_tree: workspace,
    prefix: "",
    index_file: paths.index,
  };
}
