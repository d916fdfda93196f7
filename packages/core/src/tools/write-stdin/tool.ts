import { z } from "zod";
import { MAX_YIELD_TIME_MS, MIN_YIELD_TIME_MS, reportSessionRead } from "../shell/session-output.js";
import { defineFunctionTool, type ToolResult } from "../tool.js";
import { APPROX_BYTES_PER_TOKEN } from "../truncate.js";

/** After a write, a short wait is usually enough for the program's answer. */
export const WRITE_YIELD_TIME_MS = 250;
/** An empty poll waits at least this long, so that polling in a loop stays cheap. */
export const POLL_YIELD_TIME_MS = 5_000;

const parameters = z.object({
  session_id: z
    .number()
    .int()
    .describe("The session ID returned by shell (with tty) for a command still running."),
  chars: z
    .string()
    .optional()
    .describe(
      'Characters to type, e.g. "print(1)\\n" ("\\n" is Enter, "\\u0003" is Ctrl-C). Empty or omitted: only wait for more output.',
    ),
  yield_time_ms: z
    .number()
    .optional()
    .describe(
      `How long to wait for output before returning (default ${WRITE_YIELD_TIME_MS} after a write, ${POLL_YIELD_TIME_MS} for an empty poll; at most ${MAX_YIELD_TIME_MS}).`,
    ),
  max_output_tokens: z
    .number()
    .int()
    .positive()
    .optional()
    .describe("Cap on the output returned, in tokens."),
});

const DESCRIPTION =
  "Types characters into a running interactive session (started by shell with tty) and returns the output it printed since the last read, or polls for new output when chars is empty.";

export const writeStdinTool = defineFunctionTool({
  name: "write_stdin",
  description: DESCRIPTION,
  // No approval: the command was approved when it started. It still changes the process's state.
  readOnly: false,
  parameters,
  async execute(args, ctx) {
    const session = ctx.ptySessions?.get(args.session_id);
    if (!session) {
      const why = ctx.ptySessions
        ? `no interactive session with ID ${args.session_id} (it never existed, or it exited and its last output was already returned)`
        : "interactive sessions are not available here";
      return failure(`write_stdin failed: ${why}`);
    }
    const chars = args.chars ?? "";
    session.write(chars);
    const floor = chars === "" ? POLL_YIELD_TIME_MS : MIN_YIELD_TIME_MS;
    const requested = args.yield_time_ms ?? (chars === "" ? POLL_YIELD_TIME_MS : WRITE_YIELD_TIME_MS);
    const yieldMs = Number.isFinite(requested)
      ? Math.min(MAX_YIELD_TIME_MS, Math.max(floor, requested))
      : floor;
    const budgetBytes =
      args.max_output_tokens === undefined
        ? ctx.outputBudgetBytes
        : Math.min(ctx.outputBudgetBytes, args.max_output_tokens * APPROX_BYTES_PER_TOKEN);
    return reportSessionRead(session, yieldMs, ctx, { budgetBytes });
  },
});

function failure(output: string): ToolResult {
  return { success: false, output };
}
