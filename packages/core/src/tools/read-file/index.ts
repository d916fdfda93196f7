export { READ_FILE_DESCRIPTION } from "./description.js";
export { DEFAULT_READ_LIMIT, MAX_LINE_CHARS, readFileTool } from "./tool.js";
