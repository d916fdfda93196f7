import { beforeAll, describe, expect, it } from "vitest";
import {
  ApprovalCache,
  decideAfterFailure,
  decideExec,
  ESCALATION_HINT,
  execApprovalKey,
  NEVER_HINT,
} from "../../src/sandbox/approval.js";
import { type BashParser, loadBashParser } from "../../src/sandbox/bash-script.js";
import type { ApprovalPolicy, SandboxMode, SandboxPolicy } from "../../src/sandbox/policy.js";
import type { CommandResult } from "../../src/tools/tool.js";

let bash: BashParser;
beforeAll(async () => {
  bash = await loadBashParser();
});

const policy = (mode: SandboxMode): SandboxPolicy => ({ mode, writableRoots: [], networkAccess: false });
const SAFE = ["ls", "-la"];
const PLAIN = ["npm", "test"];
const DANGER = ["rm", "-rf", "build"];

// [argv, sandbox mode, approval policy, escalation requested, expected action, onApprove]
type Row = [string[], SandboxMode, ApprovalPolicy, boolean, string, string?];
const ROWS: Row[] = [
  // Known-safe commands run everywhere, even when an escalation was asked for.
  [SAFE, "workspace-write", "untrusted", false, "run-sandboxed"],
  [SAFE, "read-only", "never", false, "run-sandboxed"],
  [SAFE, "workspace-write", "on-request", true, "run-sandboxed"],
  [["bash", "-lc", "git branch && ls"], "workspace-write", "untrusted", false, "run-sandboxed"],
  // Dangerous commands: asked about, forbidden under never unless full access.
  [DANGER, "workspace-write", "on-request", false, "ask", "run-sandboxed"],
  [DANGER, "workspace-write", "on-failure", false, "ask", "run-sandboxed"],
  [DANGER, "workspace-write", "untrusted", false, "ask", "run-sandboxed"],
  [DANGER, "workspace-write", "on-request", true, "ask", "run-unsandboxed"],
  [DANGER, "danger-full-access", "on-request", false, "ask", "run-sandboxed"],
  [DANGER, "workspace-write", "never", false, "forbid"],
  [DANGER, "read-only", "never", true, "forbid"],
  [DANGER, "danger-full-access", "never", false, "run-sandboxed"],
  [["bash", "-lc", "cd x && rm -rf ."], "workspace-write", "never", false, "forbid"],
  // never / on-failure trust the sandbox.
  [PLAIN, "workspace-write", "never", false, "run-sandboxed"],
  [PLAIN, "workspace-write", "never", true, "run-sandboxed"],
  [PLAIN, "read-only", "on-failure", false, "run-sandboxed"],
  [PLAIN, "workspace-write", "on-failure", true, "ask", "run-unsandboxed"],
  // untrusted asks for everything else.
  [PLAIN, "workspace-write", "untrusted", false, "ask", "run-sandboxed"],
  [PLAIN, "danger-full-access", "untrusted", false, "ask", "run-sandboxed"],
  [PLAIN, "workspace-write", "untrusted", true, "ask", "run-unsandboxed"],
  // on-request asks only for escalations, and never under full access.
  [PLAIN, "workspace-write", "on-request", false, "run-sandboxed"],
  [PLAIN, "read-only", "on-request", true, "ask", "run-unsandboxed"],
  [PLAIN, "workspace-write", "on-request", true, "ask", "run-unsandboxed"],
  [PLAIN, "danger-full-access", "on-request", true, "run-sandboxed"],
  [["bash", "-lc", "npm test > out.txt"], "workspace-write", "untrusted", false, "ask", "run-sandboxed"],
];

describe("decideExec", () => {
  it.each(ROWS)(
    "%j %s %s escalate=%s -> %s %s",
    (argv, mode, approvalPolicy, escalate, action, onApprove) => {
      const decision = decideExec({
        argv,
        policy: policy(mode),
        approvalPolicy,
        escalationRequested: escalate,
        sessionApproved: () => false,
        bash,
      });
      expect(decision.action).toBe(action);
      expect(decision.reason).not.toBe("");
      if (decision.action === "ask") expect(decision.onApprove).toBe(onApprove);
    },
  );

  it("skips the question for commands approved for the session", () => {
    const cache = new ApprovalCache();
    const input = {
      argv: PLAIN,
      policy: policy("workspace-write"),
      approvalPolicy: "untrusted" as const,
      escalationRequested: true,
      sessionApproved: (key: string) => cache.has(key),
    };
    expect(decideExec(input).action).toBe("ask");
    cache.approveCommand(PLAIN);
    expect(decideExec(input)).toMatchObject({ action: "run-unsandboxed" });
    expect(decideExec({ ...input, escalationRequested: false })).toMatchObject({ action: "run-sandboxed" });
    expect(decideExec({ ...input, argv: ["npm", "test", "--watch"] }).action).toBe("ask");
  });
});

const result = (
  exitCode: number | null,
  output: string,
  extra: Partial<CommandResult> = {},
): CommandResult => ({
  exitCode,
  signal: null,
  totalLines: 0,
  output,
  timedOut: false,
  aborted: false,
  durationMs: 1,
  totalBytes: output.length,
  ...extra,
});

describe("decideAfterFailure", () => {
  const denied = result(1, "touch: cannot touch '/etc/x': Read-only file system");
  const base = {
    argv: PLAIN,
    result: denied,
    policy: policy("workspace-write"),
    sessionApproved: () => false,
  };

  it.each([
    ["on-failure", "ask"],
    ["untrusted", "ask"],
    ["on-request", "return"],
    ["never", "return"],
  ] as const)("%s -> %s", (approvalPolicy, action) => {
    expect(decideAfterFailure({ ...base, approvalPolicy }).action).toBe(action);
  });

  it("hints at escalation under on-request, and at working inside the sandbox under never", () => {
    expect(decideAfterFailure({ ...base, approvalPolicy: "on-request" })).toMatchObject({
      hint: ESCALATION_HINT,
    });
    expect(decideAfterFailure({ ...base, approvalPolicy: "never" })).toMatchObject({ hint: NEVER_HINT });
    expect(ESCALATION_HINT).toContain('sandbox_permissions: "require_escalated"');
  });

  it("retries at once when the unsandboxed run was approved for the session", () => {
    const approved = (key: string) => key === execApprovalKey(PLAIN);
    expect(
      decideAfterFailure({ ...base, approvalPolicy: "on-failure", sessionApproved: approved }).action,
    ).toBe("retry-unsandboxed");
  });

  it("returns ordinary failures and full-access failures as they are", () => {
    const testFailure = result(1, "1 failing test");
    expect(decideAfterFailure({ ...base, approvalPolicy: "on-failure", result: testFailure }).action).toBe(
      "return",
    );
    const fullAccess = {
      ...base,
      policy: policy("danger-full-access"),
      approvalPolicy: "on-failure" as const,
    };
    expect(decideAfterFailure(fullAccess).action).toBe("return");
  });
});

describe("ApprovalCache", () => {
  it("keys commands unambiguously", () => {
    const cache = new ApprovalCache();
    cache.approveCommand(["echo", "a b"]);
    expect(cache.isCommandApproved(["echo", "a b"])).toBe(true);
    expect(cache.isCommandApproved(["echo", "a", "b"])).toBe(false);
  });

  it("approves patches by file set", () => {
    const cache = new ApprovalCache();
    cache.approveFiles(["/w/a.ts", "/w/b.ts"]);
    expect(cache.areFilesApproved(["/w/a.ts"])).toBe(true);
    expect(cache.areFilesApproved(["/w/a.ts", "/w/c.ts"])).toBe(false);
    expect(cache.areFilesApproved([])).toBe(false);
  });
});

describe("decideExec parses each script once", () => {
  it("reads a wrapped script once for both the known-safe and the danger checks", () => {
    const parsed: string[] = [];
    const counting: BashParser = {
      parser: new Proxy(bash.parser, {
        get(target, key) {
          if (key !== "parse") return Reflect.get(target, key);
          return (script: string) => {
            parsed.push(script);
            return target.parse(script);
          };
        },
      }),
    };
    for (const script of ["ls && cat README.md", "npm test", "rm -rf build", "bash -c 'rm -rf x'"]) {
      parsed.length = 0;
      decideExec({
        argv: ["bash", "-lc", script],
        policy: policy("workspace-write"),
        approvalPolicy: "untrusted",
        escalationRequested: false,
        sessionApproved: () => false,
        bash: counting,
      });
      expect(parsed[0]).toBe(script);
      expect(new Set(parsed).size).toBe(parsed.length);
    }
  });
});
