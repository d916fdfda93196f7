import { execFile } from "node:child_process";

export type GitResult = { code: number; stdout: string; stderr: string };

/** Runs git (never a pager, never a prompt) and hands back its exit code and output. */
export type RunGit = (
  args: string[],
  options: { cwd: string; env?: Record<string, string>; signal?: AbortSignal },
) => Promise<GitResult>;

const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

export function gitRunner(baseEnv: NodeJS.ProcessEnv): RunGit {
  return (args, options) =>
    new Promise((resolve) => {
      execFile(
        "git",
        ["-c", "core.quotepath=off", ...args],
        {
          cwd: options.cwd,
          env: { ...baseEnv, GIT_TERMINAL_PROMPT: "0", GIT_PAGER: "cat", LC_ALL: "C", ...options.env },
          maxBuffer: MAX_OUTPUT_BYTES,
          signal: options.signal,
        },
        (error, stdout, stderr) => {
          const code =
            error === null
              ? 0
              : typeof (error as { code?: unknown }).code === "number"
                ? ((error as { code: number }).code ?? 1)
                : 127;
          resolve({ code, stdout, stderr: error && code === 127 ? error.message : stderr });
        },
      );
    });
}
