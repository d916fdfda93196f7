import fs from "node:fs";
import path from "node:path";
import { quoteArgv } from "../../util/shell-quote.js";
import type { CommandResult, ToolContext, ToolResult } from "../tool.js";
import { formatTruncatedOutput } from "../truncate.js";
import { formatCommandOutput } from "./format.js";

/** Bytes of output kept in memory per command; the rest only goes to the spill file. */
export const CAPTURE_LIMIT_BYTES = 1024 * 1024;

/** Runs a command for the shell tool and shapes what the model and the faces see of it. */
export async function runShellCommand(
  argv: string[],
  cwd: string,
  timeoutMs: number,
  unsandboxed: boolean,
  ctx: ToolContext,
  options: { tty?: boolean } = {},
): Promise<{ result: CommandResult; toolResult: (hint?: string) => ToolResult }> {
  const spillFile = path.join(ctx.scratchDir, `${ctx.callId.replace(/[^A-Za-z0-9_-]/g, "_")}.log`);
  // What runs may differ (a `bash -lc` loading the login snapshot); what is shown never does.
  const launch = ctx.loginShell
    ? await ctx.loginShell.commandFor(argv, {
        runCommand: ctx.runCommand,
        policy: ctx.policy,
        cwd: ctx.cwd,
        scratchDir: ctx.scratchDir,
        signal: ctx.signal,
      })
    : { argv };
  const result = await ctx.runCommand({
    argv: launch.argv,
    cwd,
    sandboxCwd: ctx.cwd,
    timeoutMs,
    signal: ctx.signal,
    policy: unsandboxed ? { ...ctx.policy, mode: "danger-full-access" } : ctx.policy,
    maxOutputBytes: CAPTURE_LIMIT_BYTES,
    spillFile,
    tty: options.tty,
    onOutput: (chunk) => ctx.progress({ type: "output_delta", text: chunk }),
  });
  const spilled = result.totalBytes > ctx.outputBudgetBytes;
  if (!spilled) fs.rm(spillFile, { force: true }, () => {});
  const toolResult = (hint?: string): ToolResult => {
    const body =
      result.sandboxError ??
      formatTruncatedOutput(result.output, ctx.outputBudgetBytes, {
        lines: result.totalLines,
        bytes: result.totalBytes,
      });
    const notes: string[] = launch.note ? [launch.note] : [];
    if (unsandboxed && ctx.policy.mode !== "danger-full-access")
      notes.push("Ran outside the sandbox (approved).");
    if (spilled && result.spillError) {
      notes.push(`The full output (${result.totalBytes} bytes) could not be saved: ${result.spillError}.`);
    } else if (spilled) {
      notes.push(
        `Full output (${result.totalBytes} bytes) saved to ${spillFile}; read parts of it with read_file (offset, limit).`,
      );
    }
    if (hint) notes.push(hint);
    const success = result.exitCode === 0 && !result.timedOut && !result.sandboxError;
    return {
      success,
      output: formatCommandOutput(result, body, notes),
      display: {
        kind: "command",
        command: quoteArgv(argv),
        exitCode: result.exitCode,
        output: body,
        status: success ? "completed" : "failed",
        durationMs: result.durationMs,
      },
    };
  };
  return { result, toolResult };
}
