import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ApprovalCache } from "../../src/sandbox/approval.js";
import type { ApprovalPolicy, SandboxPolicy } from "../../src/sandbox/policy.js";
import { probeSandbox } from "../../src/sandbox/probe.js";
import { createCommandRunner } from "../../src/sandbox/runner.js";
import { applyPatchTools, createApplyPatchTool, runApplyPatch } from "../../src/tools/apply-patch/index.js";
import {
  type ApprovalDecision,
  type ApprovalRequest,
  type CommandRunner,
  parseToolArguments,
  type ToolContext,
  toolSpec,
} from "../../src/tools/tool.js";

let workspace: string;
let outside: string;
/** The real sandboxed runner: patches are written inside the sandbox, as in a session. */
let runCommand: CommandRunner;
beforeAll(async () => {
  runCommand = createCommandRunner({ sandbox: await probeSandbox(), env: { PATH: process.env.PATH } });
});
beforeEach(() => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), "ns-"));
  outside = fs.mkdtempSync(path.join(os.tmpdir(), "ns-outside-"));
});
afterEach(() => {
  fs.rmSync(workspace, { recursive: true, force: true });
  fs.rmSync(outside, { recursive: true, force: true });
});

const workspaceWrite: SandboxPolicy = {
  mode: "workspace-write",
  writableRoots: [],
  networkAccess: false,
  excludeSlashTmp: true,
  excludeTmpdirEnvVar: true,
};

/** A context whose approval callback answers `decision` and records every request. */
function context(options: {
  policy?: SandboxPolicy;
  approvalPolicy?: ApprovalPolicy;
  decision?: ApprovalDecision;
}) {
  const requests: ApprovalRequest[] = [];
  const ctx: ToolContext = {
    callId: "call-1",
    cwd: workspace,
    signal: new AbortController().signal,
    policy: options.policy ?? workspaceWrite,
    approvalPolicy: options.approvalPolicy ?? "on-request",
    approve: async (request) => {
      requests.push(request);
      return options.decision ?? "denied";
    },
    approvalCache: new ApprovalCache(),
    bashParser: async () => undefined,
    runCommand,
    env: {},
    scratchDir: fs.mkdtempSync(path.join(os.tmpdir(), "ns-scratch-")),
    outputBudgetBytes: 10_000,
    progress: () => {},
  };
  return { ctx, requests };
}

const patch = (...lines: string[]) => ["*** Begin Patch", ...lines, "*** End Patch"].join("\n");
const outsideFile = () => path.join(outside, "out.txt");

describe("apply_patch tool definitions", () => {
  it("offers a freeform variant with the Lark grammar and a JSON variant taking { input }", () => {
    const freeform = toolSpec(applyPatchTools.freeform);
    expect(freeform).toMatchObject({
      type: "custom",
      name: "apply_patch",
      format: { type: "grammar", syntax: "lark" },
    });
    if (freeform.type === "custom")
      expect(freeform.format.definition).toContain('begin_patch: "*** Begin Patch" LF');
    const fn = toolSpec(createApplyPatchTool("function"));
    expect(fn).toMatchObject({
      type: "function",
      name: "apply_patch",
      parameters: { type: "object", properties: { input: { type: "string" } }, required: ["input"] },
    });
    if (fn.type === "function") expect(fn.description).toContain("*** Begin Patch");
    expect(applyPatchTools.freeform.readOnly).toBe(false);
    expect(applyPatchTools.function.readOnly).toBe(false);
  });

  it("runs the same patch through either variant", async () => {
    const { ctx } = context({});
    const viaFreeform = await applyPatchTools.freeform.execute(patch("*** Add File: a.txt", "+a"), ctx);
    expect(viaFreeform).toEqual({
      output: "Success. Updated the following files:\nA a.txt",
      success: true,
      display: {
        kind: "patch",
        status: "completed",
        changes: [{ path: "a.txt", kind: "add", diff: "@@ -0,0 +1,1 @@\n+a" }],
      },
    });
    const args = parseToolArguments(
      applyPatchTools.function,
      JSON.stringify({ input: patch("*** Delete File: a.txt") }),
    );
    if (!args.ok) throw new Error(args.error);
    const viaFunction = await applyPatchTools.function.execute(args.value, ctx);
    expect(viaFunction.output).toBe("Success. Updated the following files:\nD a.txt");
    expect(fs.existsSync(path.join(workspace, "a.txt"))).toBe(false);
  });
});

describe("runApplyPatch", () => {
  it("returns parse errors and empty patches as text without asking anyone", async () => {
    const { ctx, requests } = context({});
    expect(await runApplyPatch("*** Begin Patch\n*** Bogus\n*** End Patch", ctx)).toMatchObject({
      success: false,
      output: expect.stringMatching(/^Invalid hunk at line 2: '\*\*\* Bogus' is not a valid hunk header/),
    });
    expect(await runApplyPatch(patch(), ctx)).toMatchObject({ success: false });
    expect(requests).toEqual([]);
  });

  it("applies inside the workspace without approval", async () => {
    const { ctx, requests } = context({ approvalPolicy: "never" });
    const result = await runApplyPatch(patch("*** Add File: sub/new.txt", "+hi"), ctx);
    expect(result.success).toBe(true);
    expect(fs.readFileSync(path.join(workspace, "sub/new.txt"), "utf8")).toBe("hi\n");
    expect(requests).toEqual([]);
  });

  it("changes nothing when a later hunk does not apply", async () => {
    fs.writeFileSync(path.join(workspace, "f.txt"), "a\n");
    const { ctx } = context({});
    const result = await runApplyPatch(
      patch("*** Add File: new.txt", "+x", "*** Update File: f.txt", "-zz", "+b"),
      ctx,
    );
    expect(result).toMatchObject({
      success: false,
      output: "Failed to find expected lines in f.txt:\nzz\nNo files were modified.",
    });
    expect(fs.existsSync(path.join(workspace, "new.txt"))).toBe(false);
  });

  it("asks for approval to write outside the writable roots, and applies once approved", async () => {
    const { ctx, requests } = context({ decision: "approved" });
    const result = await runApplyPatch(
      patch(`*** Add File: ${outsideFile()}`, "+x", "*** Add File: in.txt", "+y"),
      ctx,
    );
    expect(requests).toEqual([
      {
        callId: "call-1",
        kind: "patch",
        summary: `apply_patch: A ${outsideFile()}, A in.txt`,
        files: [outsideFile(), path.join(workspace, "in.txt")],
        reason: `The patch writes outside the writable roots: ${outsideFile()}`,
      },
    ]);
    expect(result.success).toBe(true);
    expect(fs.readFileSync(outsideFile(), "utf8")).toBe("x\n");
  });

  it("remembers approved_for_session: later patches to the same files are not asked about again", async () => {
    const { ctx, requests } = context({ decision: "approved_for_session" });
    expect((await runApplyPatch(patch(`*** Add File: ${outsideFile()}`, "+x"), ctx)).success).toBe(true);
    expect(fs.existsSync(outsideFile())).toBe(true);
    const again = await runApplyPatch(patch(`*** Update File: ${outsideFile()}`, "-x", "+y"), ctx);
    expect(again.success).toBe(true);
    expect(fs.readFileSync(outsideFile(), "utf8")).toBe("y\n");
    expect(requests).toHaveLength(1);
  });

  it("reports a denial to the model and writes nothing", async () => {
    const { ctx, requests } = context({ decision: "denied" });
    const result = await runApplyPatch(
      patch("*** Add File: in.txt", "+y", `*** Add File: ${outsideFile()}`, "+x"),
      ctx,
    );
    expect(result).toMatchObject({ success: false, output: "patch rejected by user" });
    expect(requests).toHaveLength(1);
    expect(fs.existsSync(outsideFile())).toBe(false);
    expect(fs.existsSync(path.join(workspace, "in.txt"))).toBe(false);
  });

  it("refuses without asking under the never policy, explaining the sandbox", async () => {
    const { ctx, requests } = context({ approvalPolicy: "never" });
    const result = await runApplyPatch(patch(`*** Add File: ${outsideFile()}`, "+x"), ctx);
    expect(result.success).toBe(false);
    expect(result.output).toContain(`only allows writing inside the writable roots (${workspace})`);
    expect(result.output).toContain("The approval policy is 'never'");
    expect(requests).toEqual([]);
    expect(fs.existsSync(outsideFile())).toBe(false);
  });

  it("sees through symlinks: a write via a link to outside needs approval", async () => {
    fs.symlinkSync(outside, path.join(workspace, "link"));
    const { ctx, requests } = context({ decision: "denied" });
    await runApplyPatch(patch("*** Add File: link/evil.txt", "+x"), ctx);
    expect(requests).toHaveLength(1);
    expect(fs.readdirSync(outside)).toEqual([]);
  });

  it("treats protected folders such as .git as not writable", async () => {
    const { ctx, requests } = context({ decision: "denied" });
    await runApplyPatch(patch("*** Add File: .git/hooks/pre-commit", "+x"), ctx);
    expect(requests).toHaveLength(1);
    expect(fs.existsSync(path.join(workspace, ".git"))).toBe(false);
  });

  it("writes into an extra writable root given through a symlink", async () => {
    const alias = path.join(workspace, "alias");
    fs.symlinkSync(outside, alias);
    const { ctx, requests } = context({ policy: { ...workspaceWrite, writableRoots: [alias] } });
    const result = await runApplyPatch(patch("*** Add File: alias/ok.txt", "+x"), ctx);
    expect(result.success).toBe(true);
    expect(requests).toEqual([]);
    expect(fs.existsSync(path.join(outside, "ok.txt"))).toBe(true);
  });

  it("needs approval for every write in read-only mode, and none with danger-full-access", async () => {
    const readOnly = context({ policy: { ...workspaceWrite, mode: "read-only" }, approvalPolicy: "never" });
    const refused = await runApplyPatch(patch("*** Add File: a.txt", "+x"), readOnly.ctx);
    expect(refused.output).toContain("the sandbox is read-only");
    expect(fs.existsSync(path.join(workspace, "a.txt"))).toBe(false);

    const full = context({
      policy: { ...workspaceWrite, mode: "danger-full-access" },
      approvalPolicy: "on-request",
    });
    expect((await runApplyPatch(patch(`*** Add File: ${outsideFile()}`, "+x"), full.ctx)).success).toBe(true);
    expect(full.requests).toEqual([]);
  });

  it("changes nothing once the turn is aborted", async () => {
    const { ctx } = context({});
    const controller = new AbortController();
    controller.abort();
    const result = await runApplyPatch(patch("*** Add File: a.txt", "+x"), {
      ...ctx,
      signal: controller.signal,
    });
    expect(result.success).toBe(false);
    expect(fs.existsSync(path.join(workspace, "a.txt"))).toBe(false);
  });

  it("asks before every edit under the untrusted policy", async () => {
    const { ctx, requests } = context({ approvalPolicy: "untrusted", decision: "approved" });
    expect((await runApplyPatch(patch("*** Add File: a.txt", "+x"), ctx)).success).toBe(true);
    expect(requests).toMatchObject([
      { kind: "patch", reason: "The approval policy asks before every file edit." },
    ]);
  });
});
