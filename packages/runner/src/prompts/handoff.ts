import type { CheckResult, StageState } from "../state/state-schema.js";

const PROGRESS_TAIL = 6000;

/**
 * The first message of a fresh segment: everything the model needs to go on without the old
 * conversation (task, plan with statuses, progress.md, recent git log, failing checks, and a note).
 */
export function handoffMessage(args: {
  task: string;
  stages: readonly StageState[];
  current: StageState;
  progress: string;
  gitLog: string;
  failing: readonly CheckResult[];
  note: string | null;
  segment: number;
}): string {
  const plan = args.stages
    .map((stage) => {
      const marker = stage.id === args.current.id ? "  <- current stage" : "";
      return `- [${stage.status}] ${stage.id}: ${stage.title}${marker}`;
    })
    .join("\n");
  const stage = args.current;
  const acceptance = stage.acceptance.length
    ? stage.acceptance.map((command) => `- \`${command}\``).join("\n")
    : "- (none: the project's verification command and the checks that passed at the start decide)";
  const progress =
    args.progress.length > PROGRESS_TAIL
      ? `…${args.progress.slice(-PROGRESS_TAIL)}`
      : args.progress || "(nothing yet)";
  const failing = args.failing.length
    ? args.failing
        .map((r) => `### \`${r.command}\` (exit ${r.exit_code ?? "none"})\n\`\`\`\n${r.output}\n\`\`\``)
        .join("\n")
    : "(none known)";
  const note = args.note ? `\n# Read this first\n${args.note}\n` : "";
  return `You are continuing an unattended nightshift run (segment ${args.segment}). Nobody will answer questions or
confirm anything: keep working until the stage is done, then call \`stage_complete\`.
${note}
# Task
${args.task}

# Plan
${plan}

# Current stage: ${stage.id} — ${stage.title}
${stage.goal}

Acceptance commands (the runner runs them when you call \`stage_complete\`):
${acceptance}
${stage.risks.length ? `\nRisks: ${stage.risks.join("; ")}\n` : ""}
# Progress so far (progress.md)
${progress}

# Recent history (git log of the run's checkpoints)
${args.gitLog || "(none)"}

# Failing checks
${failing}

# What to do now
Work on stage ${stage.id} only. Change files, run the acceptance commands yourself, and when they pass call
\`stage_complete\` with stage_id "${stage.id}" and a short summary. Do not stop to ask whether to continue.`;
}
