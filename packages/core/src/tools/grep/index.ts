export { GREP_DESCRIPTION } from "./description.js";
export { findRipgrep } from "./ripgrep.js";
export {
  createGrepTool,
  DEFAULT_GREP_LIMIT,
  DEFAULT_GREP_TIMEOUT_MS,
  type GrepToolOptions,
  grepTool,
  MAX_GREP_CONTEXT,
  MAX_GREP_LIMIT,
} from "./tool.js";
