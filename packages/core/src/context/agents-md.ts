import fs from "node:fs";
import path from "node:path";
import { isPathInside } from "../util/paths.js";
import { openedPathSync, readRefusalSync } from "../util/read-guard.js";

export const DEFAULT_PROJECT_DOC_MAX_BYTES = 32 * 1024;
/** The most read of the global AGENTS.md (it does not count against the project budget). */
export const GLOBAL_DOC_MAX_BYTES = 256 * 1024;
export const DEFAULT_PROJECT_ROOT_MARKERS = [".git"];

export type AgentsMdOptions = {
  /** `$NIGHTSHIFT_HOME`, holding the global AGENTS.override.md / AGENTS.md. */
  home: string;
  cwd: string;
  /** Budget for project files together (the global file is not counted); 0 disables them. */
  maxBytes?: number;
  rootMarkers?: string[];
  fallbackFilenames?: string[];
};

export type AgentsMdResult = {
  /** The rendered block for the initial context, or null when there is nothing. */
  text: string | null;
  /** Files used, in order (global first). */
  files: string[];
  /** Files cut, skipped or refused, one sentence each: the session shows them to the user. */
  warnings: string[];
};

/** One candidate file as read: its first bytes and its full size, or nothing to use. */
type Doc = { bytes: Buffer; size: number } | null;

/**
 * Reads at most `maxBytes` of `file` when it is usable, adding a warning when it is not:
 *
 * - it must be a regular file: never a FIFO (which would block start-up), a device, a socket;
 * - never a process's entry under /proc (`AGENTS.md -> /proc/self/environ` would put our API keys
 *   in the first prompt), checked on the open file;
 * - with `within`, it must really lie inside that folder (the project): a link out of the
 *   repository is refused;
 * - only `maxBytes` are read, however big the file says it is (a sparse 1.5 GiB file costs
 *   nothing); `size` tells how much more there was.
 *
 * A file that does not exist gives null silently; an empty one (whitespace) gives null too.
 */
function readDoc(file: string, maxBytes: number, warnings: string[], within?: string): Doc {
  let lstat: fs.Stats;
  try {
    lstat = fs.lstatSync(file);
  } catch {
    return null;
  }
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    warnings.push(
      lstat.isSymbolicLink() && code === "ENOENT"
        ? `${file} was ignored: it is a symbolic link to a file that does not exist`
        : `${file} was ignored: it cannot be read (${(error as Error).message})`,
    );
    return null;
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) {
      warnings.push(`${file} was ignored: it is not a regular file`);
      return null;
    }
    const refusal = readRefusalSync(fd, file);
    if (refusal) {
      warnings.push(`${file} was ignored. ${refusal}`);
      return null;
    }
    if (within !== undefined) {
      const real = openedPathSync(fd, file);
      if (!real || !isPathInside(real, within)) {
        warnings.push(
          `${file} was ignored: it links outside the project (${within}) to ${real ?? "somewhere unknown"}`,
        );
        return null;
      }
    }
    const buffer = Buffer.alloc(Math.min(maxBytes, stat.size > 0 ? stat.size + 1 : maxBytes));
    let length = 0;
    while (length < buffer.length) {
      const read = fs.readSync(fd, buffer, length, buffer.length - length, length);
      if (read === 0) break;
      length += read;
    }
    const bytes = buffer.subarray(0, length);
    if (bytes.toString("utf8").trim() === "") return null;
    return { bytes, size: Math.max(stat.size, length) };
  } finally {
    fs.closeSync(fd);
  }
}

/** The directories searched for project docs: from the project root down to cwd, inclusive. */
export function projectDocDirs(cwd: string, markers: readonly string[]): string[] {
  let start: string;
  try {
    start = fs.realpathSync(cwd);
  } catch {
    start = path.resolve(cwd);
  }
  const chain: string[] = [];
  for (let dir = start; ; dir = path.dirname(dir)) {
    chain.push(dir);
    if (markers.some((marker) => fs.existsSync(path.join(dir, marker)))) return chain.reverse();
    if (path.dirname(dir) === dir) return [start];
  }
}

/** Text of at most `maxBytes` bytes, never ending in a cut character. */
function cut(bytes: Buffer, maxBytes: number): string {
  return bytes
    .subarray(0, maxBytes)
    .toString("utf8")
    .replace(/\uFFFD+$/, "");
}

/**
 * Finds and renders AGENTS.md instructions: the global file, then one file per directory from
 * the project root down to cwd, within a byte budget. A file that crosses the budget is cut and a
 * warning says which file and how much; files after it are skipped with a warning. Project
 * files must lie inside the project (see `readDoc`); no file is ever read past its budget.
 */
export function discoverAgentsMd(options: AgentsMdOptions): AgentsMdResult {
  const files: string[] = [];
  const warnings: string[] = [];
  let globalText: string | null = null;
  for (const name of ["AGENTS.override.md", "AGENTS.md"]) {
    const file = path.join(options.home, name);
    const doc = readDoc(file, GLOBAL_DOC_MAX_BYTES + 1, warnings);
    if (!doc) continue;
    files.push(file);
    if (doc.size > GLOBAL_DOC_MAX_BYTES) {
      warnings.push(
        `${file} was truncated: ${doc.size - GLOBAL_DOC_MAX_BYTES} of its ${doc.size} bytes were cut (the global AGENTS.md is read up to ${GLOBAL_DOC_MAX_BYTES} bytes)`,
      );
    }
    globalText = cut(doc.bytes, GLOBAL_DOC_MAX_BYTES).trim();
    break;
  }

  const maxBytes = options.maxBytes ?? DEFAULT_PROJECT_DOC_MAX_BYTES;
  const projectParts: string[] = [];
  if (maxBytes > 0) {
    const names = ["AGENTS.override.md", "AGENTS.md", ...(options.fallbackFilenames ?? [])];
    const dirs = projectDocDirs(options.cwd, options.rootMarkers ?? DEFAULT_PROJECT_ROOT_MARKERS);
    const project = dirs[0]!;
    let remaining = maxBytes;
    for (const dir of dirs) {
      let found: { file: string; doc: NonNullable<Doc> } | null = null;
      for (const name of names) {
        const file = path.join(dir, name);
        // One byte past the budget tells whether the file had more.
        const doc = readDoc(file, Math.max(remaining, 1) + 1, warnings, project);
        if (doc) {
          found = { file, doc };
          break;
        }
      }
      if (!found) continue;
      const { file, doc } = found;
      if (remaining === 0) {
        warnings.push(
          `${file} was skipped: the AGENTS.md budget (project_doc_max_bytes = ${maxBytes}) is used up`,
        );
        continue;
      }
      files.push(file);
      if (doc.size > remaining) {
        warnings.push(
          `${file} was truncated: ${doc.size - remaining} of its ${doc.size} bytes were cut to stay within project_doc_max_bytes = ${maxBytes}`,
        );
        projectParts.push(cut(doc.bytes, remaining));
        remaining = 0;
      } else {
        projectParts.push(doc.bytes.toString("utf8"));
        remaining -= doc.bytes.length;
      }
    }
  }
  const project = projectParts.length > 0 ? projectParts.join("\n\n") : null;
  const body =
    globalText && project ? `${globalText}\n\n--- project-doc ---\n\n${project}` : (globalText ?? project);
  if (!body) return { text: null, files, warnings };
  return {
    text: `# AGENTS.md instructions for ${options.cwd}\n\n<INSTRUCTIONS>\n${body}\n</INSTRUCTIONS>`,
    files,
    warnings,
  };
}
