import type { CheckResult, StageState } from "../state/state-schema.js";

/** The runner's answer when a turn ends with a message instead of work ("should I continue?"). */
export function continueMessage(stage: StageState): string {
  return `Continue: nobody is available to answer, so decide yourself and keep working on stage ${stage.id}. When its acceptance commands pass, call \`stage_complete\` with stage_id "${stage.id}".`;
}

export function checkpointMessage(n: number, stage: StageState): string {
  return `(Checkpoint ${n} saved.) Continue with stage ${stage.id}.`;
}

export function verificationFailedMessage(
  stage: StageState,
  failed: readonly CheckResult[],
  left: number,
): string {
  const details = failed
    .map((r) => `## \`${r.command}\` (${r.id}, exit ${r.exit_code ?? "none"})\n\`\`\`\n${r.output}\n\`\`\``)
    .join("\n");
  const warning =
    left <= 0
      ? ""
      : `\n${left} more failed verification(s) and the workspace is rolled back to the last green checkpoint.`;
  return `Stage ${stage.id} is not done: these checks fail.\n${details}\n${warning}\nFix the cause (checks that passed before must keep passing), then call \`stage_complete\` again.`;
}

export const CONCISE_STEP_NOTE =
  "Your previous answer was cut off at the output limit. Think briefly and answer with one concise next step: a single tool call or a short message.";

export function stuckNudge(detail: string): string {
  return `You are going in circles: ${detail}. Stop repeating it. Step back, state in one sentence why it is not working, and try a different approach.`;
}

export function paralysisNudge(steps: number, stage: StageState): string {
  return `You have taken ${steps} steps without changing a file or verifying anything. Stop reading and analysing: make a concrete change for stage ${stage.id} now, or call \`stage_complete\` if it is done.`;
}

export function replanNote(stage: StageState): string {
  return `The previous segment kept analysing without changing anything. Before anything else, write a short plan of at most five concrete edits for stage ${stage.id} with \`update_plan\`, then make the first edit right away.`;
}

export function reasoningNudge(): string {
  return "Your answers keep hitting the output limit. Reasoning effort has been lowered. Take one small step at a time: one tool call per answer, brief thinking.";
}

export function rollbackNote(args: { to: number; stage: StageState; tried: string; why: string }): string {
  return `The workspace was rolled back to checkpoint ${args.to}: every change made since then in stage ${args.stage.id} is gone.
What was tried: ${args.tried || "(no summary was given)"}
Why it failed: ${args.why}
A different approach is needed: do not repeat the approach above.`;
}

export function resumedNote(): string {
  return "The run was interrupted and has been resumed from its saved state. Files may hold work that was in progress: check the state of the workspace before going on.";
}

export function stageFailedNote(stage: StageState, to: number): string {
  return `Stage ${stage.id} (${stage.title}) was given up after repeated failures; the workspace is at checkpoint ${to}. Go on with the next stage.`;
}
