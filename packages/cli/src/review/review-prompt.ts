import type { ResolvedReview } from "./review-target.js";

/** The structured answer a review ends with (sent as the turn's strict output schema). */
export const REVIEW_OUTPUT_SCHEMA: Record<string, unknown> = {
  type: "object",
  additionalProperties: false,
  required: ["findings", "overall_correctness", "overall_explanation"],
  properties: {
    findings: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["title", "body", "priority", "file", "start_line", "end_line"],
        properties: {
          title: { type: "string", description: "One line, at most 80 characters." },
          body: { type: "string", description: "Why it is a problem and when it happens." },
          priority: { type: "integer", minimum: 0, maximum: 3, description: "0 is the most urgent." },
          file: { type: "string", description: "Path relative to the repository root." },
          start_line: { type: "integer", minimum: 1 },
          end_line: { type: "integer", minimum: 1 },
        },
      },
    },
    overall_correctness: { type: "string", enum: ["patch is correct", "patch is incorrect"] },
    overall_explanation: { type: "string" },
  },
};

/** The user message of a review turn: what to look at and how to answer. */
export function reviewPrompt(review: Extract<ResolvedReview, { ok: true }>): string {
  const lines = [
    `You are reviewing code changes as a careful senior engineer would. Scope: ${review.scope}`,
    "",
    "Inspect the changes with read-only commands (git, reading files). Do not modify anything.",
    "Report only real problems that the author would want to fix: bugs, crashes, security holes, data loss, races, broken edge cases, missing error handling that matters. Leave out style and taste.",
    "For each finding give the file (relative to the repository root), the smallest line range that shows it (lines of the new version), a one-line title and a short body saying when it goes wrong.",
    "Priority: 0 blocks a release, 1 should be fixed before merging, 2 is worth fixing, 3 is minor.",
    'End with your verdict: "patch is correct" when nothing blocks it, otherwise "patch is incorrect", and one or two sentences of explanation.',
  ];
  if (review.stat) lines.push("", "Overview of the changes:", "```", review.stat, "```");
  return lines.join("\n");
}
