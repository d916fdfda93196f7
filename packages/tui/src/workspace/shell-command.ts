import { spawn } from "node:child_process";

/** Output kept from a `!command` (its tail): what is shown and what the model is told. */
const MAX_KEPT_CHARS = 64 * 1024;

export type ShellResult = { exitCode: number | null; output: string; durationMs: number; truncated: boolean };

/**
 * Runs a command the user typed after `!`, as the user would in their own shell (it is theirs,
 * not the model's: no sandbox, no approval), in its own process group so an interrupt stops
 * all of it.
 */
export function runShellCommand(args: {
  command: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  onOutput: (text: string) => void;
  now: () => number;
}): Promise<ShellResult> {
  const started = args.now();
  return new Promise((resolve) => {
    const shell = args.env.SHELL && /(^|\/)(bash|zsh|sh)$/.test(args.env.SHELL) ? args.env.SHELL : "/bin/sh";
    const child = spawn(shell, ["-c", args.command], {
      cwd: args.cwd,
      env: args.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let output = "";
    let truncated = false;
    const take = (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      output += text;
      if (output.length > MAX_KEPT_CHARS) {
        output = output.slice(-MAX_KEPT_CHARS);
        truncated = true;
      }
      args.onOutput(text);
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    const stop = () => {
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    };
    args.signal.addEventListener("abort", stop, { once: true });
    const finish = (exitCode: number | null) => {
      args.signal.removeEventListener("abort", stop);
      resolve({ exitCode, output, durationMs: args.now() - started, truncated });
    };
    child.on("error", (err) => {
      output += `${err.message}\n`;
      finish(127);
    });
    child.on("close", (code) => finish(code));
  });
}
