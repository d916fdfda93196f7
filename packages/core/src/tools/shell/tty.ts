import { quoteArgv } from "../../util/shell-quote.js";
import type { ToolContext, ToolResult } from "../tool.js";
import { runShellCommand } from "./run.js";
import { reportSessionRead } from "./session-output.js";

/**
 * Starts an approved command on a terminal in the session's sandbox and waits up to `times.yieldMs`:
 * the model gets the output so far and, while it still runs, a session ID for write_stdin.
 */
export async function runInTerminal(
  argv: string[],
  cwd: string,
  times: { yieldMs: number; timeoutMs: number },
  unsandboxed: boolean,
  ctx: ToolContext,
): Promise<ToolResult> {
  const notes =
    unsandboxed && ctx.policy.mode !== "danger-full-access" ? ["Ran outside the sandbox (approved)."] : [];
  if (!ctx.ptySessions) {
    // No session manager here (a one-off context): run to completion on a terminal instead.
    const run = await runShellCommand(argv, cwd, times.timeoutMs, unsandboxed, ctx, { tty: true });
    return run.toolResult("Interactive sessions are not available here: the command ran to completion.");
  }
  const policy = unsandboxed ? { ...ctx.policy, mode: "danger-full-access" as const } : ctx.policy;
  const started = await ctx.ptySessions.start({ argv, cwd, sandboxCwd: ctx.cwd, policy });
  if ("error" in started) {
    return {
      success: false,
      output: `failed to start the command: ${started.error}`,
      display: { kind: "command", command: quoteArgv(argv), exitCode: null, output: "", status: "failed" },
    };
  }
  return reportSessionRead(started.session, times.yieldMs, ctx, { notes });
}
