import type { ApprovalPolicy, SandboxPolicy } from "../sandbox/policy.js";
import { writableRoots } from "../sandbox/policy.js";

const SANDBOX_TEXT: Record<SandboxPolicy["mode"], string> = {
  "read-only":
    "Sandbox mode is read-only: commands may read any file but cannot write anywhere, except to /dev/null.",
  "workspace-write":
    "Sandbox mode is workspace-write: commands may read any file and write inside the writable roots listed below. The .git, .nightshift, .agents and .codex directories inside them stay read-only.",
  "danger-full-access": "Sandbox mode is danger-full-access: commands run without any sandbox. Be careful.",
};

const APPROVAL_TEXT: Record<ApprovalPolicy, string> = {
  never:
    "Approval policy is never: you can never ask the user for approval. Work within the sandbox; when something is blocked, find another way or explain what the user must do. Do not set sandbox_permissions.",
  "on-request":
    'Approval policy is on-request: commands run in the sandbox without asking. When a command needs more (network access, writing outside the writable roots) run it with sandbox_permissions "require_escalated" and a short justification; the user will be asked.',
  "on-failure":
    "Approval policy is on-failure: commands run in the sandbox; when one fails because of the sandbox, the user is asked whether to run it again without the sandbox.",
  untrusted:
    "Approval policy is untrusted: only known read-only commands run without asking; the user approves everything else.",
};

/** The `<permissions instructions>` section of the developer message. */
export function permissionsText(policy: SandboxPolicy, approval: ApprovalPolicy, cwd: string): string {
  const lines = [SANDBOX_TEXT[policy.mode]];
  if (policy.mode === "workspace-write") {
    lines.push(`Writable roots: ${writableRoots(policy, cwd).join(", ")}.`);
  }
  if (policy.mode !== "danger-full-access") {
    lines.push(policy.networkAccess ? "Network access is enabled." : "Network access is restricted.");
  }
  lines.push(APPROVAL_TEXT[approval]);
  return `<permissions instructions>\n${lines.join("\n")}\n</permissions instructions>`;
}
