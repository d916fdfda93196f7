import type { Baseline } from "../state/state-schema.js";

/** The first message of the planning session. */
export function planningPrompt(args: {
  task: string;
  baseline: Baseline;
  hours: number;
  maxCost: number | null;
}): string {
  const { baseline } = args;
  const checks = baseline.results.length
    ? baseline.results
        .map((r) => `- \`${r.command}\`: ${r.passed ? "passes" : `fails (exit ${r.exit_code ?? "none"})`}`)
        .join("\n")
    : "- none: there is no verification command, so your acceptance commands are the only evidence of progress";
  const budget = args.maxCost === null ? "no dollar limit" : `at most $${args.maxCost.toFixed(2)} in all`;
  return `You are planning an unattended run of nightshift. Nobody will answer questions: decide yourself.

# Task
${args.task}

# Limits
Up to ${args.hours} hour(s) of work and ${budget}. Planning itself must be short.

# Verification at the start
${checks}

# What to do
Look around the project (read-only for now: list, read and search files, run harmless commands) only as
much as you need, then call \`submit_plan\` once with the stages of the work, in order. For each stage give:
- \`id\` (short, like "s1"), \`title\`, and a \`goal\` precise enough for someone starting fresh;
- \`acceptance\`: shell commands run with \`bash -lc\` in the project folder that exit 0 only when the stage
  is really done (a test file or test name, a build, a grep for the new API). They are fixed once
  submitted and must be fast, deterministic and need no network. Every check passing now must keep passing;
- \`review_criteria\` (optional, few): what no command can check, such as "the README explains the new
  flag with an example"; a reviewer model reads the stage's changes and judges each one yes or no;
- \`risks\`: what could go wrong.
Prefer a few stages that each leave the project working over many small ones.`;
}

export const PLAN_REMINDER =
  "No plan has been submitted yet. Call `submit_plan` now with the stages and their acceptance commands; do not ask questions.";
