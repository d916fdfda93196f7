import type { CommandResult } from "../tools/tool.js";
import type { BashParser } from "./bash-script.js";
import { isDangerousCommand, isKnownSafeCommand } from "./command-safety.js";
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
 */
export function decideExec(input: ExecDecisionInput): ExecDecision {
  const { argv, policy, approvalPolicy, bash } = input;
  const fullAccess = policy.mode === "danger-full-access";
  // Under `never` nobody can approve an escalation, and under full access there is none to make.
  const escalate = input.escalationRequested && !fullAccess && approvalPolicy !== "never";
  const approvedRun = escalate ? "run-unsandboxed" : "run-sandboxed";

  if (isKnownSafeCommand(argv, bash)) {
    return { action: "run-sandboxed", reason: "known-safe read-only command" };
  }
  if (input.sessionApproved(execApprovalKey(argv))) {
    return { action: approvedRun, reason: "approved for this session" };
  }
  if (isDangerousCommand(argv, bash)) {
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
