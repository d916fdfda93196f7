import type { FileHandle } from "node:fs/promises";
import fs from "node:fs/promises";
import { z } from "zod";
import { openRegularFile } from "../../util/read-guard.js";
import { defineFunctionTool, type ToolContext, type ToolResult } from "../tool.js";
import { clipLine } from "../truncate.js";
import { BINARY_SAMPLE_BYTES, looksBinary } from "./binary.js";
import { READ_FILE_DESCRIPTION } from "./description.js";
import { scanLines } from "./lines.js";
import { describeFsError, resolveToolPath } from "./paths.js";

export const DEFAULT_READ_LIMIT = 2_000;
export const MAX_LINE_CHARS = 500;
/** Past the lines shown, lines are counted for the footer only within this many bytes of the file. */
const COUNT_LINES_UP_TO_BYTES = 64 * 1024 * 1024;
/** Room kept in the output budget for the closing note. */
const FOOTER_RESERVE_BYTES = 256;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

const parameters = z.object({
  path: z.string().min(1).describe("File to read, absolute or relative to the working directory."),
  offset: z
    .number()
    .int()
    .min(1)
    .max(1_000_000_000)
    .optional()
    .describe("First line to show, 1-based (default 1)."),
  limit: z.number().int().min(1).max(100_000).optional().describe("Most lines to show (default 2000)."),
});

export const readFileTool = defineFunctionTool({
  name: "read_file",
  description: READ_FILE_DESCRIPTION,
  readOnly: true,
  parameters,
  describe: (args) => ({ kind: "read", path: args.path }),
  async execute(args, ctx) {
    const filePath = resolveToolPath(ctx.cwd, args.path, ctx.env);
    let stat: Awaited<ReturnType<typeof fs.stat>>;
    try {
      stat = await fs.stat(filePath);
    } catch (error) {
      return failure(describeFsError(error, filePath));
    }
    if (stat.isDirectory()) return failure(`${filePath} is a directory; use list_dir to see what it holds.`);
    if (!stat.isFile()) return failure(`${filePath} is not a regular file.`);

    // Opened without blocking and checked on the open file: nothing swapped in after the stat
    // (a FIFO, a link into /proc/<pid>) is read.
    const opened = await openRegularFile(filePath);
    if ("error" in opened)
      return failure(opened.code === "ENOENT" ? describeFsError({ code: "ENOENT" }, filePath) : opened.error);
    const file: FileHandle = opened.handle;
    try {
      return await readWindow(file, filePath, opened.stat.size, args, ctx);
    } catch (error) {
      return failure(describeFsError(error, filePath));
    } finally {
      await file.close();
    }
  },
});

async function readWindow(
  file: FileHandle,
  filePath: string,
  size: number,
  args: z.infer<typeof parameters>,
  ctx: ToolContext,
): Promise<ToolResult> {
  const offset = args.offset ?? 1;
  const limit = args.limit ?? DEFAULT_READ_LIMIT;
  const sample = Buffer.alloc(BINARY_SAMPLE_BYTES);
  const { bytesRead } = await file.read(sample, 0, sample.length, 0);
  if (looksBinary(sample.subarray(0, bytesRead))) {
    return {
      output: `${filePath} is a binary file (${size} bytes); not shown.`,
      success: true,
      display: { kind: "read", path: filePath, binary: true },
    };
  }

  const budget = Math.max(0, ctx.outputBudgetBytes - FOOTER_RESERVE_BYTES);
  const shown: string[] = [];
  let shownBytes = 0;
  let lastShown = offset - 1;
  let clipped = 0;
  let budgetReached = false;
  const scan = await scanLines(
    file,
    {
      firstLine: offset,
      maxLineBytes: MAX_LINE_CHARS * 4 + 4,
      countUpToBytes: COUNT_LINES_UP_TO_BYTES,
      signal: ctx.signal,
    },
    (line) => {
      const bytes =
        line.number === 1 && startsWith(line.bytes, UTF8_BOM) ? line.bytes.subarray(3) : line.bytes;
      const text = clipLine(
        bytes.toString("utf8"),
        MAX_LINE_CHARS,
        line.fullBytes - (line.bytes.length - bytes.length),
      );
      const rendered = `L${line.number}: ${text.text}\n`;
      const renderedBytes = Buffer.byteLength(rendered, "utf8");
      if (shown.length > 0 && shownBytes + renderedBytes > budget) {
        budgetReached = true;
        return "stop";
      }
      shown.push(rendered);
      shownBytes += renderedBytes;
      lastShown = line.number;
      if (text.clipped) clipped++;
      return shown.length >= limit ? "stop" : "continue";
    },
  );

  if (scan.aborted) return failure("read_file was aborted.");
  if (scan.complete && scan.lines === 0) {
    return {
      output: `${filePath} is empty.`,
      success: true,
      display: { kind: "read", path: filePath, totalLines: 0 },
    };
  }
  if (shown.length === 0) {
    return failure(`offset ${offset} is past the end of ${filePath}, which has ${scan.lines} lines.`);
  }

  const more = !scan.complete || lastShown < scan.lines;
  const notes = [
    scan.complete
      ? `lines ${offset}-${lastShown} of ${scan.lines}`
      : `lines ${offset}-${lastShown} of at least ${scan.lines} (file is ${size} bytes)`,
  ];
  if (clipped > 0)
    notes.push(`${clipped} long line${clipped === 1 ? "" : "s"} clipped to ${MAX_LINE_CHARS} characters`);
  if (more && budgetReached) notes.push(`output size limit reached; continue with offset=${lastShown + 1}`);
  else if (more) notes.push(`continue with offset=${lastShown + 1}`);
  return {
    output: `${shown.join("")}[${notes.join("; ")}]`,
    success: true,
    display: {
      kind: "read",
      path: filePath,
      startLine: offset,
      endLine: lastShown,
      totalLines: scan.complete ? scan.lines : null,
      truncated: more,
    },
  };
}

function startsWith(bytes: Buffer, prefix: Buffer): boolean {
  return bytes.length >= prefix.length && bytes.subarray(0, prefix.length).equals(prefix);
}

function failure(output: string): ToolResult {
  return { output, success: false };
}
