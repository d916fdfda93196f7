export { LIST_DIR_DESCRIPTION } from "./description.js";
export {
  DEFAULT_LIST_DEPTH,
  DEFAULT_LIST_LIMIT,
  listDirTool,
  MAX_LIST_DEPTH,
  MAX_LIST_LIMIT,
} from "./tool.js";
