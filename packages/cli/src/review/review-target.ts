import { GitError, gitText } from "@nightshift/core/git";

/** What `exec review` looks at. */
export type ReviewRequest =
  | { kind: "uncommitted" }
  | { kind: "base"; branch: string }
  | { kind: "commit"; sha: string; title?: string }
  | { kind: "custom"; instructions: string };

/** A request resolved against the repository: what to tell the model, or why there is nothing. */
export type ResolvedReview =
  | { ok: true; title: string; scope: string; stat: string }
  | { ok: false; message: string; exitCode: number };

/** At most this much of `git diff --stat` goes into the prompt (the model runs git for the rest). */
const MAX_STAT_CHARS = 8_000;

const REF = /^[A-Za-z0-9._/@{}~^-]{1,200}$/;

/** Checks the request against the repository in `cwd` and describes it for the review prompt. */
export async function resolveReview(request: ReviewRequest, cwd: string): Promise<ResolvedReview> {
  if (request.kind === "custom")
    return { ok: true, title: "Custom review", scope: request.instructions, stat: "" };
  const run = (args: string[]) => gitText(null, args, { cwd });
  try {
    await run(["rev-parse", "--show-toplevel"]);
  } catch {
    return { ok: false, message: `${cwd} is not in a git repository: there is nothing to diff`, exitCode: 1 };
  }
  try {
    switch (request.kind) {
      case "uncommitted": {
        const status = await run(["status", "--porcelain", "--untracked-files=all"]);
        if (status === "")
          return { ok: false, message: "nothing to review: there are no uncommitted changes", exitCode: 0 };
        const stat = await statOf(run, ["diff", "--stat", "HEAD"]).catch(() => status);
        return {
          ok: true,
          title: "Review of the uncommitted changes",
          scope:
            "the uncommitted changes of this repository: staged, unstaged and untracked files. See them with `git status --porcelain`, `git diff HEAD` (or `git diff` and `git diff --cached` in a repository without commits) and by reading the untracked files.",
          stat: `${stat}\n\ngit status --porcelain:\n${clip(status)}`,
        };
      }
      case "base": {
        if (!REF.test(request.branch) || request.branch.startsWith("-"))
          return {
            ok: false,
            message: `--base ${JSON.stringify(request.branch)} is not a branch name`,
            exitCode: 2,
          };
        const base = await run(["rev-parse", "--verify", "--quiet", `${request.branch}^{commit}`]).catch(
          () => "",
        );
        if (base === "")
          return { ok: false, message: `--base ${request.branch}: no such branch or commit`, exitCode: 2 };
        const mergeBase = await run(["merge-base", "HEAD", base]);
        const stat = await statOf(run, ["diff", "--stat", mergeBase]);
        if (stat === "")
          return {
            ok: false,
            message: `nothing to review: no changes against ${request.branch} (merge base ${mergeBase.slice(0, 12)})`,
            exitCode: 0,
          };
        return {
          ok: true,
          title: `Review of the changes against ${request.branch}`,
          scope: `the changes of the current branch against the base branch ${request.branch}. Their merge base is commit ${mergeBase}; see the changes with \`git diff ${mergeBase}\` (this includes uncommitted work).`,
          stat,
        };
      }
      case "commit": {
        if (!REF.test(request.sha) || request.sha.startsWith("-"))
          return {
            ok: false,
            message: `--commit ${JSON.stringify(request.sha)} is not a commit`,
            exitCode: 2,
          };
        const sha = await run(["rev-parse", "--verify", "--quiet", `${request.sha}^{commit}`]).catch(
          () => "",
        );
        if (sha === "") return { ok: false, message: `--commit ${request.sha}: no such commit`, exitCode: 2 };
        const subject = request.title ?? (await run(["log", "-1", "--format=%s", sha]));
        return {
          ok: true,
          title: `Review of commit ${sha.slice(0, 12)}`,
          scope: `the changes introduced by commit ${sha} ("${subject}"). See them with \`git show ${sha}\`.`,
          stat: await statOf(run, ["show", "--stat", "--format=", sha]),
        };
      }
    }
  } catch (err) {
    if (err instanceof GitError) return { ok: false, message: err.message, exitCode: 1 };
    throw err;
  }
}

async function statOf(run: (args: string[]) => Promise<string>, args: string[]): Promise<string> {
  return clip(await run(args));
}

function clip(text: string): string {
  return text.length <= MAX_STAT_CHARS ? text : `${text.slice(0, MAX_STAT_CHARS)}\n… (cut)`;
}
