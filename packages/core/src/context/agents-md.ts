import fs from "node:fs";
import path from "node:path";

export const DEFAULT_PROJECT_DOC_MAX_BYTES = 32 * 1024;
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
  warnings: string[];
};

function readIfNonEmpty(file: string): string | null {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) return null;
    const text = fs.readFileSync(file, "utf8");
    return text.trim() === "" ? null : text;
  } catch {
    return null;
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

/**
 * Finds and renders AGENTS.md instructions: the global file, then one file per directory from
 * the project root down to cwd, within a byte budget. A file that crosses the budget is cut and a
 * warning says which file and how much; files after it are skipped with a warning.
 */
export function discoverAgentsMd(options: AgentsMdOptions): AgentsMdResult {
  const files: string[] = [];
  const warnings: string[] = [];
  const globalFile = ["AGENTS.override.md", "AGENTS.md"]
    .map((name) => path.join(options.home, name))
    .find((file) => readIfNonEmpty(file) !== null);
  const globalText = globalFile ? readIfNonEmpty(globalFile)!.trim() : null;
  if (globalFile) files.push(globalFile);

  const maxBytes = options.maxBytes ?? DEFAULT_PROJECT_DOC_MAX_BYTES;
  const projectParts: string[] = [];
  if (maxBytes > 0) {
    const names = ["AGENTS.override.md", "AGENTS.md", ...(options.fallbackFilenames ?? [])];
    let remaining = maxBytes;
    for (const dir of projectDocDirs(options.cwd, options.rootMarkers ?? DEFAULT_PROJECT_ROOT_MARKERS)) {
      const file = names
        .map((name) => path.join(dir, name))
        .find((candidate) => readIfNonEmpty(candidate) !== null);
      if (!file) continue;
      const bytes = Buffer.from(readIfNonEmpty(file)!, "utf8");
      if (remaining === 0) {
        warnings.push(
          `${file} was skipped: the AGENTS.md budget (project_doc_max_bytes = ${maxBytes}) is used up`,
        );
        continue;
      }
      files.push(file);
      if (bytes.length > remaining) {
        warnings.push(
          `${file} was truncated: ${bytes.length - remaining} of its ${bytes.length} bytes were cut to stay within project_doc_max_bytes = ${maxBytes}`,
        );
        projectParts.push(
          bytes
            .subarray(0, remaining)
            .toString("utf8")
            .replace(/\uFFFD+$/, ""),
        );
        remaining = 0;
      } else {
        projectParts.push(bytes.toString("utf8"));
        remaining -= bytes.length;
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
