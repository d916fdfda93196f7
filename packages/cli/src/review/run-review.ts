import path from "node:path";
import type { ExecIo, ExecOptions } from "../exec/exec-options.js";
import { runExecCommand } from "../exec/run-exec.js";
import { renderReview } from "./render-review.js";
import { REVIEW_OUTPUT_SCHEMA, reviewPrompt } from "./review-prompt.js";
import { type ReviewRequest, resolveReview } from "./review-target.js";

/** Runs one review turn through exec (read-only unless a flag says otherwise). */
export async function runReviewCommand(
  request: ReviewRequest,
  options: ExecOptions,
  io: ExecIo,
): Promise<number> {
  const cwd = path.resolve(io.cwd, options.cd ?? ".");
  const review = await resolveReview(request, cwd);
  if (!review.ok) {
    if (options.json || options.experimentalJson)
      io.stdout.write(
        `${JSON.stringify({ type: review.exitCode === 0 ? "warning" : "error", message: review.message })}\n`,
      );
    io.stderr.write(`nightshift exec review: ${review.message}\n`);
    return review.exitCode;
  }
  if (options.outputSchema)
    io.stderr.write(
      "nightshift exec review: --output-schema is ignored: a review answers in its own format\n",
    );
  return runExecCommand({ ...options, outputSchema: undefined, prompt: reviewPrompt(review) }, io, {
    outputSchema: REVIEW_OUTPUT_SCHEMA,
    renderLastMessage: (text) => renderReview(review.title, text),
  });
}
