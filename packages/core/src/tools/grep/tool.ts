import fs from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { writableRoots } from "../../sandbox/policy.js";
import { isPathInside } from "../../util/paths.js";
import { openDirectory, openRegularFile } from "../../util/read-guard.js";
import { describeFsError, resolveToolPath } from "../read-file/paths.js";
import {
  defineFunctionTool,
  type FunctionTool,
  type ToolContext,
  type ToolDisplay,
  type ToolResult,
} from "../tool.js";
import { type Collected, GrepCollector } from "./collect.js";
import { GREP_DESCRIPTION } from "./description.js";
import { findRipgrep, type RunOptions, type RunResult, runRipgrep, runRipgrepSandboxed } from "./ripgrep.js";

export const DEFAULT_GREP_LIMIT = 100;
export const MAX_GREP_LIMIT = 1_000;
export const MAX_GREP_CONTEXT = 10;
export const DEFAULT_GREP_TIMEOUT_MS = 30_000;
/** Room kept in the output budget for the closing note. */
const FOOTER_RESERVE_BYTES = 256;
/** A JSON message from rg longer than this (a giant matching line) is not parsed. */
const MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

const parameters = z.object({
  pattern: z.string().min(1).describe("Regular expression (ripgrep syntax) to search for."),
  path: z
    .string()
    .min(1)
    .optional()
    .describe("File or directory to search (default: the working directory)."),
  glob: z
    .string()
    .min(1)
    .optional()
    .describe('Only search files matching this glob, e.g. "*.ts"; "!" excludes.'),
  case_insensitive: z.boolean().optional().describe("Ignore case (default false)."),
  fixed_strings: z.boolean().optional().describe("Treat the pattern as literal text (default false)."),
  context: z
    .number()
    .int()
    .min(0)
    .max(MAX_GREP_CONTEXT)
    .optional()
    .describe("Context lines around each match."),
  limit: z
    .number()
    .int()
    .min(1)
    .max(MAX_GREP_LIMIT)
    .optional()
    .describe("Most matching lines to show (default 100)."),
});

export type GrepToolOptions = {
  /** The rg binary; found with `findRipgrep` when left out. */
  rgPath?: string;
  /** Whether `findRipgrep` tries the `@vscode/ripgrep` binary before PATH (default true). */
  bundledRipgrep?: boolean;
  timeoutMs?: number;
};

export function createGrepTool(options: GrepToolOptions = {}): FunctionTool<typeof parameters> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_GREP_TIMEOUT_MS;
  return defineFunctionTool({
    name: "grep",
    description: GREP_DESCRIPTION,
    readOnly: true,
    parameters,
    describe: (args) => ({
      kind: "search",
      pattern: args.pattern,
      path: args.path ?? ".",
      matches: 0,
      files: 0,
    }),
    async execute(args, ctx): Promise<ToolResult> {
      const target = resolveToolPath(ctx.cwd, args.path ?? ".", ctx.env);
      try {
        await fs.stat(target);
      } catch (error) {
        return failure(describeFsError(error, target));
      }
      const rgPath =
        options.rgPath ??
        (await findRipgrep(ctx.env, { exclude: untrustedDirs(ctx), bundled: options.bundledRipgrep }));
      if (!rgPath)
        return failure(
          "grep is unavailable: ripgrep (rg) was not found. Search with a shell command instead.",
        );

      const contextLines = args.context ?? 0;
      const limit = args.limit ?? DEFAULT_GREP_LIMIT;
      const collector = new GrepCollector({
        limit,
        contextLines,
        budgetBytes: Math.max(0, ctx.outputBudgetBytes - FOOTER_RESERVE_BYTES),
      });
      const run = await search(ctx, target, {
        rgPath,
        args: ripgrepArgs(args, contextLines, displayTarget(ctx.cwd, target)),
        cwd: ctx.cwd,
        env: ctx.env,
        signal: ctx.signal,
        timeoutMs,
        maxMessageBytes: MAX_MESSAGE_BYTES,
        onEvent: (event) => collector.onEvent(event),
      });
      if ("refused" in run) return failure(run.refused);
      const found = collector.result();
      const display: ToolDisplay = {
        kind: "search",
        pattern: args.pattern,
        path: target,
        matches: found.matches,
        files: found.files,
      };

      if (run.spawnError) return failure(`grep could not start ripgrep: ${run.spawnError}`);
      if (run.stoppedBy === "abort") return failure("grep was aborted.");
      const errors = run.exitCode === 2 ? run.stderr.trim() : "";
      if (found.matches === 0) {
        if (run.stoppedBy === "timeout")
          return failure(`grep found nothing within ${timeoutMs / 1000}s and stopped.`);
        if (errors) return failure(errors);
        return { output: "No matches found.", success: true, display };
      }
      return {
        output: `${found.text}${footer(found, limit, run.stoppedBy, timeoutMs, errors)}`,
        success: true,
        display,
      };
    },
  });
}

export const grepTool = createGrepTool();

/**
 * rg runs in the sandbox (read-only, see `runRipgrepSandboxed`). Only where there is no sandbox
 * at all (danger-full-access on a machine without one) does it run directly; then the target
 * itself is checked like read_file's files, which is all that mode promises.
 */
async function search(
  ctx: ToolContext,
  target: string,
  options: RunOptions,
): Promise<RunResult | { refused: string }> {
  const sandboxed = await runRipgrepSandboxed({ ...options, runCommand: ctx.runCommand });
  if (sandboxed) return sandboxed;
  const opened = (await fs.stat(target)).isDirectory()
    ? await openDirectory(target)
    : await openRegularFile(target);
  if ("error" in opened) return { refused: opened.error };
  await opened.handle.close();
  return runRipgrep({ ...options, clock: ctx.clock });
}

/**
 * rg's arguments. No `--sort path`: it makes rg search with one thread; the bounded results are
 * sorted by `GrepCollector` instead.
 */
function ripgrepArgs(args: z.infer<typeof parameters>, contextLines: number, target: string): string[] {
  const argv = ["--json", "--hidden", "--no-require-git", "--no-config"];
  if (args.case_insensitive) argv.push("--ignore-case");
  if (args.fixed_strings) argv.push("--fixed-strings");
  if (contextLines > 0) argv.push("--context", String(contextLines));
  if (args.glob) argv.push("--glob", args.glob);
  argv.push("--glob", "!.git", "--regexp", args.pattern, "--", target);
  return argv;
}

/** Paths inside the working directory are searched (and so shown) relative to it. */
function displayTarget(cwd: string, target: string): string {
  const relative = path.relative(cwd, target);
  if (relative === "") return ".";
  return isPathInside(target, cwd) ? relative : target;
}

/**
 * Where sandboxed commands may write, whatever the current mode: the working directory and the
 * roots workspace-write would open (with /tmp and $TMPDIR unless the policy leaves them out).
 */
function untrustedDirs(ctx: ToolContext): string[] {
  return [ctx.cwd, ...writableRoots({ ...ctx.policy, mode: "workspace-write" }, ctx.cwd, ctx.env)];
}

function footer(
  found: Collected,
  limit: number,
  stoppedBy: string | null,
  timeoutMs: number,
  errors: string,
): string {
  const notes = [
    `${found.matches} matching line${found.matches === 1 ? "" : "s"} in ${found.files} file${found.files === 1 ? "" : "s"}`,
  ];
  if (found.limitReached)
    notes.push(`stopped at the limit of ${limit}; more matches exist, narrow the search`);
  if (found.budgetReached) notes.push("output size limit reached; more matches may exist, narrow the search");
  if (stoppedBy === "timeout")
    notes.push(`search stopped after ${timeoutMs / 1000}s; results are incomplete`);
  if (errors) notes.push(`ripgrep reported errors: ${errors.split("\n").slice(0, 3).join(" | ")}`);
  return `[${notes.join("; ")}]`;
}

function failure(output: string): ToolResult {
  return { output, success: false };
}
