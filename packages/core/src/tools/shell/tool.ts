import path from "node:path";
import { z } from "zod";
import {
  decideAfterFailure,
  decideExec,
  type ExecDecision,
  execApprovalReason,
  sanitizeApprovalRequest,
} from "../../sandbox/approval.js";
import { quoteArgv } from "../../util/shell-quote.js";
import { parseApplyPatchInvocation } from "../apply-patch/invocation.js";
import { runApplyPatch } from "../apply-patch/tool.js";
import { defineFunctionTool, type ToolContext, type ToolResult } from "../tool.js";
import { runShellCommand } from "./run.js";
import {
  clampYieldTime,
  DEFAULT_YIELD_TIME_MS,
  MAX_YIELD_TIME_MS,
  MIN_YIELD_TIME_MS,
} from "./session-output.js";
import { runInTerminal } from "./tty.js";

export const DEFAULT_SHELL_TIMEOUT_MS = 120_000;
export const MAX_SHELL_TIMEOUT_MS = 30 * 60_000;

const parameters = z.object({
  command: z
    .array(z.string())
    .min(1)
    .describe(
      'The command as an argument vector, e.g. ["bash", "-lc", "npm test"] or ["rg", "TODO", "src"].',
    ),
  workdir: z
    .string()
    .optional()
    .describe("Working directory (absolute, or relative to the session's). Prefer this to cd."),
  timeout_ms: z
    .number()
    .int()
    .positive()
    .max(MAX_SHELL_TIMEOUT_MS)
    .optional()
    .describe(
      `Kill the command after this many milliseconds (default ${DEFAULT_SHELL_TIMEOUT_MS}). Not used with tty.`,
    ),
  sandbox_permissions: z
    .enum(["use_default", "require_escalated"])
    .optional()
    .describe(
      '"require_escalated" asks the user to run this command outside the sandbox; give a justification.',
    ),
  justification: z
    .string()
    .optional()
    .describe(
      "With require_escalated: one sentence telling the user why the command needs to leave the sandbox.",
    ),
  tty: z
    .boolean()
    .optional()
    .describe(
      "Run on a terminal and keep it open: for interactive programs (REPLs, prompts) and long-running ones (dev servers). Returns after the command exits or yield_time_ms, with a session ID to use with write_stdin while it runs.",
    ),
  yield_time_ms: z
    .number()
    .optional()
    .describe(
      `With tty: how long to wait for the command before returning its output so far (default ${DEFAULT_YIELD_TIME_MS}, ${MIN_YIELD_TIME_MS} to ${MAX_YIELD_TIME_MS}).`,
    ),
});

const ESCALATION_IGNORED =
  'sandbox_permissions "require_escalated" was ignored: the approval policy is never, so nobody can approve running outside the sandbox. The command ran inside it.';

const DESCRIPTION = [
  "Runs a command and returns its exit code and output (stdout and stderr interleaved).",
  "Commands run in the session's sandbox with a clean, non-interactive environment (no colours, no pager).",
  "Long outputs are cut in the middle; the full output is then saved to a file you can read with offsets.",
  "To edit files use apply_patch rather than shell redirections or sed -i.",
  "Set tty to start a program you need to talk to, then use write_stdin with the session ID it returns.",
].join(" ");

export const shellTool = defineFunctionTool({
  name: "shell",
  description: DESCRIPTION,
  readOnly: false,
  parameters,
  describe: (args) =>
    // A patch sent through the shell is applied as a patch, and shown as one.
    parseApplyPatchInvocation(args.command)
      ? { kind: "patch", changes: [], status: "running" }
      : { kind: "command", command: quoteArgv(args.command), exitCode: null, output: "", status: "running" },
  async execute(args, ctx) {
    const cwd = path.resolve(ctx.cwd, args.workdir ?? ".");
    const invocation = parseApplyPatchInvocation(args.command);
    if (invocation) {
      const patchCwd = invocation.workdir ? path.resolve(cwd, invocation.workdir) : cwd;
      return runApplyPatch(invocation.patch, ctx, patchCwd);
    }
    const mode = await approveExec(args, cwd, ctx);
    if (typeof mode !== "string") return mode;
    const timeoutMs = args.timeout_ms ?? DEFAULT_SHELL_TIMEOUT_MS;
    if (args.tty) {
      const times = { yieldMs: clampYieldTime(args.yield_time_ms ?? DEFAULT_YIELD_TIME_MS), timeoutMs };
      return runInTerminal(args.command, cwd, times, mode === "run-unsandboxed", ctx);
    }
    const first = await runShellCommand(args.command, cwd, timeoutMs, mode === "run-unsandboxed", ctx);
    const ignored =
      args.sandbox_permissions === "require_escalated" &&
      mode === "run-sandboxed" &&
      ctx.approvalPolicy === "never"
        ? ESCALATION_IGNORED
        : undefined;
    if (mode === "run-unsandboxed" || first.result.exitCode === 0 || first.result.aborted)
      return first.toolResult(ignored);

    const retry = decideAfterFailure({
      argv: args.command,
      result: first.result,
      policy: ctx.policy,
      approvalPolicy: ctx.approvalPolicy,
      sessionApproved: (key) => ctx.approvalCache.has(key),
    });
    if (retry.action === "return")
      return first.toolResult([ignored, retry.hint].filter(Boolean).join("\n") || undefined);
    if (retry.action === "ask") {
      const answer = await ctx.approve(
        sanitizeApprovalRequest({
          callId: ctx.callId,
          kind: "exec",
          summary: quoteArgv(args.command),
          reason: retry.reason,
          command: args.command,
          cwd,
        }),
      );
      if (answer === "approved_for_session") ctx.approvalCache.approveCommand(args.command);
      if (answer !== "approved" && answer !== "approved_for_session")
        return first.toolResult("The user declined to run it again without the sandbox.");
    }
    return (await runShellCommand(args.command, cwd, timeoutMs, true, ctx)).toolResult();
  },
});

/** Whether and how a command may run (asking the user when the policy says so), or a result to return now. */
async function approveExec(
  args: z.infer<typeof parameters>,
  cwd: string,
  ctx: ToolContext,
): Promise<"run-sandboxed" | "run-unsandboxed" | ToolResult> {
  const decision = decideExec({
    argv: args.command,
    policy: ctx.policy,
    approvalPolicy: ctx.approvalPolicy,
    escalationRequested: args.sandbox_permissions === "require_escalated",
    sessionApproved: (key) => ctx.approvalCache.has(key),
    bash: await ctx.bashParser(),
  });
  return resolveDecision(decision, args.command, cwd, args.justification, ctx);
}

/** Turns an approval decision into how to run, or a result to return right away. */
async function resolveDecision(
  decision: ExecDecision,
  argv: string[],
  cwd: string,
  justification: string | undefined,
  ctx: ToolContext,
): Promise<"run-sandboxed" | "run-unsandboxed" | ToolResult> {
  const declined = (output: string): ToolResult => ({
    success: false,
    output,
    display: { kind: "command", command: quoteArgv(argv), exitCode: null, output: "", status: "declined" },
  });
  switch (decision.action) {
    case "run-sandboxed":
    case "run-unsandboxed":
      return decision.action;
    case "forbid":
      return declined(`command refused: ${decision.reason}`);
    case "ask": {
      if (ctx.approvalPolicy === "never") {
        return declined(
          `command refused: it needs approval (${decision.reason}) and the approval policy is never`,
        );
      }
      const answer = await ctx.approve(
        sanitizeApprovalRequest({
          callId: ctx.callId,
          kind: "exec",
          summary: quoteArgv(argv),
          reason: execApprovalReason(decision.reason, justification),
          command: argv,
          cwd,
        }),
      );
      if (answer === "approved_for_session") ctx.approvalCache.approveCommand(argv);
      if (answer === "approved" || answer === "approved_for_session") return decision.onApprove;
      if (answer === "abort") throw new Error("aborted by user at the approval prompt");
      return declined("exec command rejected by user");
    }
  }
}
