import { createApplyPatchTool } from "./apply-patch/tool.js";
import { grepTool } from "./grep/tool.js";
import { listDirTool } from "./list-dir/tool.js";
import { readFileTool } from "./read-file/tool.js";
import { shellTool } from "./shell/tool.js";
import type { Tool } from "./tool.js";
import { updatePlanTool } from "./update-plan/tool.js";
import { writeStdinTool } from "./write-stdin/tool.js";

/**
 * The built-in tools in their fixed request order. The order never changes within a session:
 * the tool list is part of the cached prompt prefix.
 */
export function builtinTools(options: { applyPatch: "freeform" | "function" }): Tool[] {
  return [
    shellTool,
    writeStdinTool,
    updatePlanTool,
    createApplyPatchTool(options.applyPatch),
    readFileTool,
    listDirTool,
    grepTool,
  ];
}
