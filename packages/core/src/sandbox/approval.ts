import type { ApprovalRequest, CommandResult } from "../tools/tool.js";
import { spellOutHidden } from "../util/visible-text.js";
import type { BashParser } from "./bash-script.js";
import { analyzeCommand } from "./command-safety.js";
import { isLikelySandboxDenial } from "./denial.js";
import type { ApprovalPolicy, SandboxPolicy } from "./policy.js";

/**
 * What to do with a command the model wants to run.
 * - `run-sandboxed`: run under the session's policy as is (for `danger-full-access` that means
 *   no sandbox at all);
 * - `run-unsandboxed`: run with the sandbox lifted (an escalation the user approved);
 * - `ask`: ask the user; on approval do `onApprove`;
 * - `forbid`: refuse; `reason` is what the model sees.
 */
export type ExecDecision =
  | { action: "run-sandboxed" | "run-unsandboxed" | "forbid"; reason: string }
  | { action: "ask"; reason: string; onApprove: "run-sandboxed" | "run-unsandboxed" };

export type ExecDecisionInput = {
  argv: readonly string[];
  policy: SandboxPolicy;
  approvalPolicy: ApprovalPolicy;
  /** The model asked to run outside the sandbox (`sandbox_permissions: "require_escalated"`). */
  escalationRequested: boolean;
  /** Whether the user already approved this key for the session (see `ApprovalCache`). */
  sessionApproved: (key: string) => boolean;
  /** Lets `bash -lc "<script>"` be judged by its script. */
  bash?: BashParser;
};

/**
 * The approval decision for a command (pure). Follows Codex's order: known-safe commands run;
 * dangerous ones are asked about (or forbidden where nobody can be asked); a requested
 * escalation is asked about (except under `never`, where it is ignored, and under full access,
 * where there is nothing to lift); then `untrusted` asks and the other policies trust the sandbox.
 * A wrapped shell script is parsed once for both checks.
 */
export function decideExec(input: ExecDecisionInput): ExecDecision {
  const { argv, policy, approvalPolicy, bash } = input;
  const analysis = analyzeCommand(argv, bash);
  const fullAccess = policy.mode === "danger-full-access";
  // Under `never` nobody can approve an escalation, and under full access there is none to make.
  const escalate = input.escalationRequested && !fullAccess && approvalPolicy !== "never";
  const approvedRun = escalate ? "run-unsandboxed" : "run-sandboxed";

  if (analysis.knownSafe) {
    return { action: "run-sandboxed", reason: "known-safe read-only command" };
  }
  if (input.sessionApproved(execApprovalKey(argv))) {
    return { action: approvedRun, reason: "approved for this session" };
  }
  if (analysis.dangerous) {
    if (approvalPolicy === "never") {
      return fullAccess
        ? {
            action: "run-sandboxed",
            reason: "destructive command allowed: full access and approval policy never",
          }
        : {
            action: "forbid",
            reason:
              "this command can destroy data irreversibly, and the approval policy is never, so nobody can approve it; " +
              "find a non-destructive way to do it",
          };
    }
    return { action: "ask", reason: "this command can destroy data irreversibly", onApprove: approvedRun };
  }
  if (escalate) {
    // Lifting the sandbox always takes a user's yes.
    return {
      action: "ask",
      reason: "the model asked to run this command outside the sandbox",
      onApprove: "run-unsandboxed",
    };
  }
  switch (approvalPolicy) {
    case "untrusted":
      return {
        action: "ask",
        reason: "not a known-safe command (approval policy untrusted)",
        onApprove: approvedRun,
      };
    case "never":
    case "on-failure":
    case "on-request":
      return { action: "run-sandboxed", reason: fullAccess ? "full access" : "runs inside the sandbox" };
  }
}

/** What to do after a sandboxed run failed. */
export type RetryDecision =
  | { action: "return"; reason: string; hint?: string }
  | { action: "retry-unsandboxed"; reason: string }
  | { action: "ask"; reason: string };

export type RetryInput = {
  argv: readonly string[];
  result: CommandResult;
  policy: SandboxPolicy;
  approvalPolicy: ApprovalPolicy;
  sessionApproved: (key: string) => boolean;
};

export const ESCALATION_HINT =
  "The sandbox probably blocked this command (it may not write outside the writable roots or use the network). " +
  'If it really needs that, run it again with sandbox_permissions: "require_escalated" and a justification ' +
  "the user can judge.";
export const NEVER_HINT =
  "The sandbox probably blocked this command (it may not write outside the writable roots or use the network). " +
  "Nobody can approve running it unsandboxed here: find a way that works inside the sandbox.";

/**
 * After a sandboxed command failed (pure). When the failure looks like the sandbox's doing:
 * under `on-failure` and `untrusted` the user is asked whether to run it again without the
 * sandbox (unless already approved for the session); under `on-request` the failure goes back to
 * the model with a hint to ask for escalation; under `never` with a hint to work within it.
 */
export function decideAfterFailure(input: RetryInput): RetryDecision {
  const { result, approvalPolicy } = input;
  if (input.policy.mode === "danger-full-access" || !isLikelySandboxDenial(result)) {
    return { action: "return", reason: "not a sandbox denial" };
  }
  switch (approvalPolicy) {
    case "on-failure":
    case "untrusted":
      return input.sessionApproved(execApprovalKey(input.argv))
        ? { action: "retry-unsandboxed", reason: "approved for this session" }
        : { action: "ask", reason: "command failed in the sandbox; retry without it?" };
    case "on-request":
      return { action: "return", reason: "likely sandbox denial", hint: ESCALATION_HINT };
    case "never":
      return { action: "return", reason: "likely sandbox denial", hint: NEVER_HINT };
  }
}

/** How much of a model's justification an approval prompt shows. */
export const MAX_JUSTIFICATION_CHARS = 500;

/**
 * The reason an exec approval shows: the engine's own first (a model's words must not hide
 * "this command can destroy data"), then the model's justification, on one line and cut short.
 */
export function execApprovalReason(engineReason: string, justification: string | undefined): string {
  const text = justification?.trim();
  if (!text) return engineReason;
  const chars = [...text];
  const shown =
    chars.length > MAX_JUSTIFICATION_CHARS
      ? `${chars.slice(0, MAX_JUSTIFICATION_CHARS).join("")}… (${chars.length - MAX_JUSTIFICATION_CHARS} more characters)`
      : text;
  return `${engineReason}. The model's justification: ${shown}`;
}

/**
 * An approval request every face can print as it is: each text in it is one line with control
 * characters, escape sequences and characters that hide or reorder text (bidi overrides,
 * zero-width and tag characters, line separators) spelled out, so what a model or an MCP server
 * wrote can neither draw fake lines nor hide the real ones. Tools pass every request through this
 * where they build it.
 */
export function sanitizeApprovalRequest(request: ApprovalRequest): ApprovalRequest {
  return {
    ...request,
    summary: spellOutHidden(request.summary),
    ...(request.reason !== undefined ? { reason: spellOutHidden(request.reason) } : {}),
    ...(request.command !== undefined ? { command: request.command.map(spellOutHidden) } : {}),
    ...(request.cwd !== undefined ? { cwd: spellOutHidden(request.cwd) } : {}),
    ...(request.files !== undefined ? { files: request.files.map(spellOutHidden) } : {}),
  };
}

/** The session-approval key of a command: its argv, unambiguously joined. */
export function execApprovalKey(argv: readonly string[]): string {
  return `exec:${JSON.stringify(argv)}`;
}

/**
 * Approvals the user gave "for this session": commands by exact argv, patches by file (a later
 * patch touching only approved files needs no new question). Owned by the engine, one per session.
 */
export class ApprovalCache {
  private readonly keys = new Set<string>();
  private readonly files = new Set<string>();

  has(key: string): boolean {
    return this.keys.has(key);
  }

  add(key: string): void {
    this.keys.add(key);
  }

  approveCommand(argv: readonly string[]): void {
    this.keys.add(execApprovalKey(argv));
  }

  isCommandApproved(argv: readonly string[]): boolean {
    return this.keys.has(execApprovalKey(argv));
  }

  approveFiles(paths: readonly string[]): void {
    for (const file of paths) this.files.add(file);
  }

  /** True when every path was approved before (and there is at least one). */
  areFilesApproved(paths: readonly string[]): boolean {
    return paths.length > 0 && paths.every((file) => this.files.has(file));
  }
}
