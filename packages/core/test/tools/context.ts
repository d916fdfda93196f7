import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ApprovalCache } from "../../src/sandbox/approval.js";
import type { ApprovalRequest, ToolContext } from "../../src/tools/tool.js";

export type TestContext = {
  ctx: ToolContext;
  /** Every approval request a tool made, in order. */
  approvals: ApprovalRequest[];
  abort: AbortController;
};

/** A real ToolContext for tools that read only: commands are refused, approvals are recorded. */
export function makeToolContext(cwd: string, overrides: Partial<ToolContext> = {}): TestContext {
  const approvals: ApprovalRequest[] = [];
  const abort = new AbortController();
  const ctx: ToolContext = {
    callId: "call-test",
    cwd,
    signal: abort.signal,
    policy: { mode: "read-only", writableRoots: [], networkAccess: false },
    approvalPolicy: "never",
    approve: async (request) => {
      approvals.push(request);
      return "denied";
    },
    approvalCache: new ApprovalCache(),
    bashParser: async () => undefined, // read-only tools never analyse commands
    runCommand: async () => {
      throw new Error("runCommand is not used by this tool");
    },
    env: { ...process.env },
    scratchDir: fs.mkdtempSync(path.join(os.tmpdir(), "ns-scratch-")),
    outputBudgetBytes: 40_000,
    progress: () => {},
    ...overrides,
  };
  return { ctx, approvals, abort };
}

export function makeTempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "ns-"));
}
