import { createApplyPatchTool } from "./apply-patch/tool.js";
import { grepTool } from "./grep/tool.js";
import { listDirTool } from "./list-dir/tool.js";
import { readFileTool } from "./read-file/tool.js";
import { requestUserInputTool } from "./request-user-input/tool.js";
import { shellTool } from "./shell/tool.js";
import type { Tool } from "./tool.js";
import { updatePlanTool } from "./update-plan/tool.js";
import { viewImageTool } from "./view-image/tool.js";
import { type WebSearchMode, webSearchTool } from "./web-search/tool.js";
import { writeStdinTool } from "./write-stdin/tool.js";

/**
 * The built-in tools in their fixed request order (Codex's, where the tools overlap). The order
 * never changes within a session: the tool list is part of the cached prompt prefix.
 */
export function builtinTools(options: {
  applyPatch: "freeform" | "function";
  /** The provider's hosted web search (default off). */
  webSearch?: WebSearchMode;
  /** Offer view_image: the model takes images, and the wire carries them in tool outputs. */
  viewImage?: boolean;
}): Tool[] {
  const webSearch = options.webSearch ?? "disabled";
  return [
    shellTool,
    writeStdinTool,
    updatePlanTool,
    requestUserInputTool,
    createApplyPatchTool(options.applyPatch),
    ...(webSearch === "disabled" ? [] : [webSearchTool(webSearch)]),
    ...(options.viewImage ? [viewImageTool] : []),
    readFileTool,
    listDirTool,
    grepTool,
  ];
}
