import { type Command, Option } from "commander";
import type { ExecOptions } from "../exec/exec-options.js";
import { registerReviewCommand } from "./register-review.js";

const SANDBOX_MODES = ["read-only", "workspace-write", "danger-full-access"];
const APPROVAL_POLICIES = ["untrusted", "on-failure", "on-request", "never"];

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `-i a.png -i b.png` or `-i a.png,b.png`, as Codex takes them. */
function collectList(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(",").filter((entry) => entry !== "")];
}

export type Io = {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
};

/** Options of every command that opens a session (exec, the terminal interface). */
export function addSessionOptions(command: Command): Command {
  return command
    .option("-m, --model <model>", "model to use")
    .option(
      "--fallback-model <model>",
      'model to continue on when the model fails beyond retries ("<provider>:<model>" or "<model>"), repeatable; replaces config\'s fallback_models',
      collect,
      [],
    )
    .option("-p, --profile <name>", "configuration profile (config.toml [profiles.NAME] or NAME.config.toml)")
    .option("-c, --config <key=value>", "override a config value (TOML), repeatable", collect, [])
    .option("-C, --cd <dir>", "working directory for the agent")
    .option("--add-dir <dir>", "another writable folder for workspace-write, repeatable", collect, [])
    .addOption(new Option("-s, --sandbox <mode>", "sandbox for commands").choices(SANDBOX_MODES))
    .addOption(
      new Option("-a, --ask-for-approval <policy>", "when to ask before running commands").choices(
        APPROVAL_POLICIES,
      ),
    )
    .option("--full-auto", "workspace-write sandbox, model may ask to escalate (on-request)")
    .option(
      "--dangerously-bypass-approvals-and-sandbox",
      "no sandbox, no approvals (only inside an external sandbox)",
    )
    .option("--oss", "use a local model server (Ollama or LM Studio)")
    .addOption(
      new Option("--local-provider <id>", "local provider for --oss").choices(["ollama", "lmstudio"]),
    )
    .option("--strict-config", "unknown config.toml keys are errors, not warnings")
    .option("--search", "let the model search the web, live (the provider's hosted web_search tool)")
    .option(
      "-i, --image <file>",
      "attach an image (PNG, JPEG, GIF, WebP) to the first message, repeatable",
      collectList,
      [],
    );
}

/** Options shared by `exec` and `exec resume` (given before or after `resume`, both count). */
function addExecOptions(command: Command): Command {
  return addSessionOptions(command)
    .option("--json", "print events as JSON lines on stdout")
    .addOption(new Option("--experimental-json", "the same as --json (Codex's older name)").hideHelp())
    .addOption(
      new Option("--color <when>", "colour the progress on stderr").choices(["always", "never", "auto"]),
    )
    .option("-o, --output-last-message <file>", "write the final agent message to this file")
    .option("--output-schema <file>", "JSON Schema the final answer must follow (strict)")
    .option("--compact", "compact the session's history before running the prompt")
    .option(
      "--skip-git-repo-check",
      "accepted for Codex compatibility; nightshift does not require a git repository",
    );
}

/**
 * Flags given both before and after `resume` (`exec --json -s read-only resume ID`): each is
 * honoured, repeatable ones are joined, and two different values for one flag are refused.
 */
export function mergeExecOptions(before: ExecOptions, after: ExecOptions): ExecOptions | string {
  const merged: Record<string, unknown> = { ...before };
  for (const [key, value] of Object.entries(after)) {
    const earlier = merged[key];
    if (Array.isArray(value)) merged[key] = [...((earlier as unknown[]) ?? []), ...value];
    else if (earlier !== undefined && value !== undefined && earlier !== value)
      return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} was given twice, before and after "resume", with different values`;
    else if (value !== undefined) merged[key] = value;
  }
  return merged as ExecOptions;
}

/** `nightshift exec` (alias `e`) and `nightshift exec resume`. */
export function registerExecCommands(
  program: Command,
  io: () => Io,
  setExitCode: (code: number) => void,
): Command {
  const run = async (options: ExecOptions) => {
    const { runExecCommand } = await import("../exec/run-exec.js");
    setExitCode(await runExecCommand(options, io()));
  };
  const exec = addExecOptions(
    program
      .command("exec")
      .alias("e")
      .description('run the agent non-interactively on a prompt (argument, or stdin when absent or "-")')
      .argument("[prompt]", "the task")
      .enablePositionalOptions(),
  ).action(async (prompt: string | undefined, options: ExecOptions) => run({ ...options, prompt }));

  addExecOptions(
    exec
      .command("resume")
      .description("continue an earlier session: by id, or this folder's most recent with --last")
      .argument("[sessionId]", "session id (or a unique prefix)")
      .argument("[prompt]", "the next message (stdin when absent)")
      .option("--last", "resume the most recent session of this folder")
      .option("--all", "with --last: the most recent session of any folder"),
  ).action(
    async (
      sessionId: string | undefined,
      prompt: string | undefined,
      options: ExecOptions & { last?: boolean; all?: boolean },
    ) => {
      const { last, all, ...own } = options;
      const merged = mergeExecOptions(exec.opts<ExecOptions>(), own);
      if (typeof merged === "string") {
        io().stderr.write(`nightshift exec resume: ${merged}\n`);
        setExitCode(2);
        return;
      }
      const resume = last
        ? all
          ? { last: true as const, all: true as const }
          : { last: true as const }
        : sessionId
          ? { id: sessionId }
          : null;
      if (!resume) {
        io().stderr.write("nightshift exec resume: give a session id or --last\n");
        setExitCode(2);
        return;
      }
      // With --last the first positional is the prompt.
      const text = last && sessionId !== undefined && prompt === undefined ? sessionId : prompt;
      await run({ ...merged, prompt: text, resume });
    },
  );
  registerReviewCommand(exec, addExecOptions, () => exec.opts<ExecOptions>(), io, setExitCode);
  return exec;
}
