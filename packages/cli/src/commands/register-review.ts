import type { Command } from "commander";
import type { ExecOptions } from "../exec/exec-options.js";
import type { ReviewRequest } from "../review/review-target.js";
import type { Io } from "./register-exec.js";

type ReviewFlags = { uncommitted?: boolean; base?: string; commit?: string; title?: string };

/** The review request the flags describe, or why they cannot go together. */
export function reviewRequest(prompt: string | undefined, flags: ReviewFlags): ReviewRequest | string {
  const targets = [
    flags.uncommitted ? "--uncommitted" : null,
    flags.base ? "--base" : null,
    flags.commit ? "--commit" : null,
  ].filter((flag): flag is string => flag !== null);
  if (targets.length > 1) return `${targets.join(" and ")} cannot be used together: pick one`;
  if (prompt !== undefined && targets.length > 0)
    return `custom review instructions cannot be combined with ${targets[0]}: give one or the other`;
  if (flags.title !== undefined && !flags.commit) return "--title goes with --commit";
  if (flags.base) return { kind: "base", branch: flags.base };
  if (flags.commit) return { kind: "commit", sha: flags.commit, title: flags.title };
  if (prompt !== undefined) {
    if (prompt.trim() === "") return "the review instructions are empty";
    return { kind: "custom", instructions: prompt };
  }
  return { kind: "uncommitted" };
}

/**
 * `nightshift exec review`: a read-only session that reviews the uncommitted changes, a branch
 * against its base, or one commit, and answers with prioritized findings and a verdict.
 */
export function registerReviewCommand(
  exec: Command,
  addExecOptions: (command: Command) => Command,
  parentOptions: () => ExecOptions,
  io: () => Io,
  setExitCode: (code: number) => void,
): void {
  addExecOptions(
    exec
      .command("review")
      .description("review code changes: the uncommitted ones (default), --base BRANCH, or --commit SHA")
      .argument("[prompt]", "custom review instructions instead of a target")
      .option("--uncommitted", "review staged, unstaged and untracked changes")
      .option("--base <branch>", "review the current branch's changes against this base branch")
      .option("--commit <sha>", "review the changes one commit introduced")
      .option("--title <title>", "with --commit: the title to show for it"),
  ).action(async (prompt: string | undefined, options: ExecOptions & ReviewFlags) => {
    const { uncommitted, base, commit, title, ...own } = options;
    const request = reviewRequest(prompt, { uncommitted, base, commit, title });
    if (typeof request === "string") {
      io().stderr.write(`nightshift exec review: ${request}\n`);
      setExitCode(2);
      return;
    }
    const { runReviewCommand } = await import("../review/run-review.js");
    setExitCode(await runReviewCommand(request, { ...parentOptions(), ...own }, io()));
  });
}
