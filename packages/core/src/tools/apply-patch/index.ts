export {
  type ApplyPatchOptions,
  type ApplyPatchResult,
  applyHunks,
  applyPatch,
  applyPatchHere,
  type PatchChange,
} from "./apply.js";
export { APPLY_PATCH_FREEFORM_DESCRIPTION, APPLY_PATCH_FUNCTION_DESCRIPTION } from "./description.js";
export { APPLY_PATCH_LARK_GRAMMAR } from "./grammar.js";
export { type ApplyPatchInvocation, parseApplyPatchInvocation } from "./invocation.js";
export { type ParsePatchResult, type PatchHunk, parsePatch, type UpdateChunk } from "./parser.js";
export { type CommitResult, type DiskCommitOptions, diskCommitter, type PatchCommitter } from "./patch-fs.js";
export { type PatchOp, type PatchPlan, planPatch } from "./plan.js";
export { type SandboxCommitDeps, sandboxCommitter } from "./sandbox-commit.js";
export { seekSequence } from "./seek-sequence.js";
export { type ApplyPatchVariant, applyPatchTools, createApplyPatchTool, runApplyPatch } from "./tool.js";
