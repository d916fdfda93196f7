import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { describeFsError, resolveToolPath } from "../read-file/paths.js";
import { defineFunctionTool, type ToolResult } from "../tool.js";
import { LIST_DIR_DESCRIPTION } from "./description.js";
import { type ListedEntry, WalkRefused, type WalkResult, walkDirectory } from "./walk.js";

export const DEFAULT_LIST_DEPTH = 2;
export const MAX_LIST_DEPTH = 5;
export const DEFAULT_LIST_LIMIT = 200;
export const MAX_LIST_LIMIT = 1_000;
/** Room kept in the output budget for the closing note. */
const FOOTER_RESERVE_BYTES = 256;

const parameters = z.object({
  path: z
    .string()
    .min(1)
    .optional()
    .describe("Directory to list, absolute or relative to the working directory."),
  depth: z.number().int().min(1).max(MAX_LIST_DEPTH).optional().describe("Levels to show (default 2)."),
  limit: z
    .number()
    .int()
    .min(1)
    .max(MAX_LIST_LIMIT)
    .optional()
    .describe("Most entries to show (default 200)."),
  offset: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .optional()
    .describe("1-based entry to start from (default 1)."),
});

export const listDirTool = defineFunctionTool({
  name: "list_dir",
  description: LIST_DIR_DESCRIPTION,
  readOnly: true,
  parameters,
  describe: (args) => ({ kind: "list", path: args.path ?? ".", entries: 0, more: false }),
  async execute(args, ctx): Promise<ToolResult> {
    const root = resolveToolPath(ctx.cwd, args.path ?? ".", ctx.env);
    const depth = args.depth ?? DEFAULT_LIST_DEPTH;
    const offset = args.offset ?? 1;
    try {
      const stat = await fs.stat(root);
      if (!stat.isDirectory()) return failure(`${root} is not a directory; use read_file to read a file.`);
    } catch (error) {
      return failure(describeFsError(error, root));
    }

    let walked: WalkResult;
    try {
      walked = await walkDirectory(root, {
        maxDepth: depth,
        skip: offset - 1,
        take: args.limit ?? DEFAULT_LIST_LIMIT,
        signal: ctx.signal,
      });
    } catch (error) {
      if (error instanceof WalkRefused) return failure(error.message);
      throw error;
    }
    if (walked.aborted) return failure("list_dir was aborted.");
    if (walked.entries.length === 0 && offset > 1) {
      return failure(`offset ${offset} is past the last entry of ${root}.`);
    }

    const header = `${root.endsWith(path.sep) ? root : `${root}${path.sep}`} (depth ${depth})\n`;
    const budget = Math.max(0, ctx.outputBudgetBytes - FOOTER_RESERVE_BYTES - Buffer.byteLength(header));
    const lines: string[] = [];
    let used = 0;
    for (const entry of walked.entries) {
      const line = `${"  ".repeat(entry.depth - 1)}${label(entry)}\n`;
      used += Buffer.byteLength(line);
      if (lines.length > 0 && used > budget) break;
      lines.push(line);
    }
    const more = walked.more || lines.length < walked.entries.length;
    const last = offset + lines.length - 1;
    let footer: string;
    if (lines.length === 0) footer = "[empty]";
    else if (more) footer = `[entries ${offset}-${last}; more exist, continue with offset=${last + 1}]`;
    else if (offset === 1) footer = `[${last} ${last === 1 ? "entry" : "entries"}]`;
    else footer = `[entries ${offset}-${last} of ${last}]`;

    return {
      output: `${header}${lines.join("")}${footer}`,
      success: true,
      display: { kind: "list", path: root, entries: lines.length, more },
    };
  },
});

function label(entry: ListedEntry): string {
  let text = printable(entry.name);
  if (entry.kind === "directory") text += "/";
  else if (entry.kind === "symlink") {
    text += entry.linkTarget === undefined ? "@" : `@ -> ${printable(entry.linkTarget)}`;
  } else if (entry.kind === "other") text += " (special file)";
  return entry.note ? `${text} (${entry.note})` : text;
}

/** A name with a line break or another control character must not break the tree: quote it. */
function printable(name: string): string {
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return JSON.stringify(name);
  }
  return name;
}

function failure(output: string): ToolResult {
  return { output, success: false };
}
