import path from "node:path";
import { z } from "zod";
import { sanitizeApprovalRequest } from "../../sandbox/approval.js";
import { isPathWritable, type SandboxPolicy, writableRoots } from "../../sandbox/policy.js";
import {
  type CustomTool,
  defineCustomTool,
  defineFunctionTool,
  type FileChangeDisplay,
  type FunctionTool,
  type ToolContext,
  type ToolResult,
} from "../tool.js";
import { applyHunks, type PatchChange } from "./apply.js";
import { APPLY_PATCH_FREEFORM_DESCRIPTION, APPLY_PATCH_FUNCTION_DESCRIPTION } from "./description.js";
import { fileChangeDisplays } from "./display.js";
import { APPLY_PATCH_LARK_GRAMMAR } from "./grammar.js";
import { type PatchHunk, parsePatch } from "./parser.js";
import { diskCommitter } from "./patch-fs.js";
import { type PatchTarget, patchTargets, realPathOf } from "./paths.js";
import { sandboxCommitter } from "./sandbox-commit.js";

export type ApplyPatchVariant = "freeform" | "function";

const applyPatchParameters = z.object({
  input: z.string().describe("The whole patch, from '*** Begin Patch' to '*** End Patch'."),
});

export function createApplyPatchTool(variant: "freeform"): CustomTool;
export function createApplyPatchTool(variant: "function"): FunctionTool<typeof applyPatchParameters>;
export function createApplyPatchTool(
  variant: ApplyPatchVariant,
): CustomTool | FunctionTool<typeof applyPatchParameters>;
export function createApplyPatchTool(
  variant: ApplyPatchVariant,
): CustomTool | FunctionTool<typeof applyPatchParameters> {
  if (variant === "freeform") {
    return defineCustomTool({
      name: "apply_patch",
      description: APPLY_PATCH_FREEFORM_DESCRIPTION,
      readOnly: false,
      format: { type: "grammar", syntax: "lark", definition: APPLY_PATCH_LARK_GRAMMAR },
      describe: () => ({ kind: "patch", changes: [], status: "running" }),
      execute: (input, ctx) => runApplyPatch(input, ctx),
    });
  }
  return defineFunctionTool({
    name: "apply_patch",
    description: APPLY_PATCH_FUNCTION_DESCRIPTION,
    readOnly: false,
    parameters: applyPatchParameters,
    describe: () => ({ kind: "patch", changes: [], status: "running" }),
    execute: (args, ctx) => runApplyPatch(args.input, ctx),
  });
}

export const applyPatchTools = {
  freeform: createApplyPatchTool("freeform"),
  function: createApplyPatchTool("function"),
} as const;

/**
 * Applies a patch for the model: parse, find every entry it writes or removes (real paths), apply
 * when the sandbox policy allows all of them, otherwise ask for approval (or refuse under the
 * `never` policy). Also used by the engine for apply_patch run through a shell tool. Every hunk
 * is worked out against the files before anything is written.
 *
 * The writing itself happens inside the session's sandbox (workspace-write), through the same
 * runner as commands: the check above decides whether to ask, the kernel decides what can be
 * written, so a folder swapped for a symlink between the two cannot send a write outside. An
 * approved patch, or one in danger-full-access, is written by this process.
 *
 * Relative paths in the patch are resolved against `workdir` (default the session's cwd, e.g.
 * the `cd X &&` of a shell invocation); what may be written is always judged against the
 * session's cwd and policy, never against `workdir`.
 */
export async function runApplyPatch(
  patch: string,
  ctx: ToolContext,
  workdir: string = ctx.cwd,
): Promise<ToolResult> {
  const parsed = parsePatch(patch);
  if (!parsed.ok) return failure(parsed.error);
  if (parsed.hunks.length === 0)
    return failure("The patch contains no file operations, so no files were modified.");

  const targets = await patchTargets(parsed.hunks, workdir);
  const isWritable = await writableCheck(ctx);
  const outside = targets.filter((target) => !isWritable(target.realPath));
  let canWrite: ((realPath: string) => boolean) | undefined = isWritable;

  const files = [...new Set(targets.map((target) => target.realPath))];
  const needsApproval = outside.length > 0 || ctx.approvalPolicy === "untrusted";
  if (needsApproval && ctx.approvalCache.areFilesApproved(files)) {
    canWrite = undefined; // the user approved these files "for this session" already
  } else if (needsApproval) {
    if (ctx.approvalPolicy === "never") return failure(refusalText(ctx, outside));
    const decision = await ctx.approve(
      sanitizeApprovalRequest({
        callId: ctx.callId,
        kind: "patch",
        summary: approvalSummary(parsed.hunks),
        files: [...new Set(targets.map((target) => target.absPath))],
        reason: approvalReason(ctx.policy, outside),
      }),
    );
    if (decision === "denied") return declined("patch rejected by user");
    if (decision === "abort") return declined("patch rejected by user: the turn was aborted");
    if (decision === "approved_for_session") ctx.approvalCache.approveFiles(files);
    canWrite = undefined;
  }
  if (ctx.signal.aborted) return failure("apply_patch was aborted before any file was modified.");

  const commit =
    canWrite !== undefined && ctx.policy.mode === "workspace-write"
      ? sandboxCommitter({
          runCommand: ctx.runCommand,
          policy: ctx.policy,
          sandboxCwd: ctx.cwd,
          stagingDir: ctx.scratchDir,
          signal: ctx.signal,
        })
      : diskCommitter();
  const result = await applyHunks(parsed.hunks, { cwd: workdir, canWrite, verifyFirst: true, commit });
  const changes = fileChangeDisplays(parsed.hunks, result.changes);
  if (result.ok)
    return {
      output: result.summary,
      success: true,
      display: { kind: "patch", changes, status: "completed" },
    };
  return failure(withAppliedNote(result.error, result.changes), changes);
}

function declined(output: string): ToolResult {
  return {
    output,
    success: false,
    display: { kind: "patch", changes: [], status: "declined", error: output },
  };
}

function failure(output: string, changes: FileChangeDisplay[] = []): ToolResult {
  return { output, success: false, display: { kind: "patch", changes, status: "failed", error: output } };
}

/** Writability of a real path. Roots are compared both as configured and with symlinks resolved. */
async function writableCheck(ctx: ToolContext): Promise<(realPath: string) => boolean> {
  if (ctx.policy.mode === "danger-full-access") return () => true;
  const realCwd = await realPathOf(path.resolve(ctx.cwd));
  const realPolicy: SandboxPolicy = {
    ...ctx.policy,
    writableRoots: await Promise.all(
      ctx.policy.writableRoots.map((root) => realPathOf(path.resolve(ctx.cwd, root))),
    ),
  };
  const realEnv = ctx.env.TMPDIR
    ? { ...ctx.env, TMPDIR: await realPathOf(path.resolve(ctx.env.TMPDIR)) }
    : ctx.env;
  return (realPath) =>
    isPathWritable(ctx.policy, ctx.cwd, realPath, ctx.env) ||
    isPathWritable(realPolicy, realCwd, realPath, realEnv);
}

function describeHunk(hunk: PatchHunk): string {
  if (hunk.kind === "add") return `A ${hunk.path}`;
  if (hunk.kind === "delete") return `D ${hunk.path}`;
  return hunk.movePath === undefined ? `M ${hunk.path}` : `M ${hunk.path} -> ${hunk.movePath}`;
}

function approvalSummary(hunks: readonly PatchHunk[]): string {
  const shown = hunks.slice(0, 5).map(describeHunk).join(", ");
  const more = hunks.length > 5 ? ` and ${hunks.length - 5} more` : "";
  return `apply_patch: ${shown}${more}`;
}

function listPaths(targets: readonly PatchTarget[]): string {
  return [...new Set(targets.map((target) => target.path))].join(", ");
}

function approvalReason(policy: SandboxPolicy, outside: readonly PatchTarget[]): string {
  if (outside.length === 0) return "The approval policy asks before every file edit.";
  if (policy.mode === "read-only") return "The sandbox is read-only.";
  return `The patch writes outside the writable roots: ${listPaths(outside)}`;
}

function refusalText(ctx: ToolContext, outside: readonly PatchTarget[]): string {
  const noApproval = "The approval policy is 'never', so this cannot be approved. No files were modified.";
  if (ctx.policy.mode === "read-only") {
    return `apply_patch was refused: the sandbox is read-only, so no file may be written. ${noApproval}`;
  }
  const roots = writableRoots(ctx.policy, ctx.cwd, ctx.env).join(", ");
  return `apply_patch was refused: the sandbox only allows writing inside the writable roots (${roots}), outside protected folders such as .git, and this patch writes ${listPaths(outside)}. ${noApproval}`;
}

function withAppliedNote(error: string, applied: readonly PatchChange[]): string {
  if (applied.length === 0) return error;
  const done = applied.map((change) => `${change.kind} ${change.movePath ?? change.path}`).join(", ");
  return `${error}\nThe operations before the failure were applied and remain in place: ${done}`;
}
