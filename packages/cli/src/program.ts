import { Command, InvalidArgumentError, Option } from "commander";
import { registerMcpCommands } from "./commands/register-mcp.js";
import type { ExecOptions } from "./exec/exec-options.js";
import type { InteractiveOptions } from "./interactive/interactive-options.js";
import { VERSION } from "./version.js";

const SANDBOX_MODES = ["read-only", "workspace-write", "danger-full-access"];
const APPROVAL_POLICIES = ["untrusted", "on-failure", "on-request", "never"];

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Options of every command that opens a session. */
function addSessionOptions(command: Command): Command {
  return command
    .option("-m, --model <model>", "model to use")
    .option("-p, --profile <name>", "configuration profile from config.toml")
    .option("-c, --config <key=value>", "override a config value (TOML), repeatable", collect, [])
    .option("-C, --cd <dir>", "working directory for the agent")
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
    );
}

/** Options of `nightshift [prompt]` and `nightshift resume`. */
function addInteractiveOptions(command: Command): Command {
  return addSessionOptions(command).option(
    "--fullscreen",
    "draw on the alternate screen instead of inline in the scrollback",
  );
}

/** Options shared by `exec` and `exec resume`. */
function addExecOptions(command: Command): Command {
  return addSessionOptions(command)
    .option("--json", "print events as JSON lines on stdout")
    .option("-o, --output-last-message <file>", "write the final agent message to this file")
    .option("--output-schema <file>", "JSON Schema the final answer must follow (strict)")
    .option("--compact", "compact the session's history before running the prompt")
    .option(
      "--skip-git-repo-check",
      "accepted for Codex compatibility; nightshift does not require a git repository",
    );
}

export function buildProgram(): { run(argv: string[]): Promise<number> } {
  let exitCode = 0;
  const program = new Command("nightshift")
    .description("An autonomous coding agent for long jobs.")
    .version(`nightshift ${VERSION}`, "-V, --version")
    .showHelpAfterError("(run nightshift --help for usage)")
    // Options after a subcommand belong to that subcommand (`exec resume -s ...`).
    .enablePositionalOptions();

  const exec = addExecOptions(
    program
      .command("exec")
      .description('run the agent non-interactively on a prompt (argument, or stdin when absent or "-")')
      .argument("[prompt]", "the task")
      .enablePositionalOptions(),
  ).action(async (prompt: string | undefined, options: ExecOptions) => {
    const { runExecCommand } = await import("./exec/run-exec.js");
    exitCode = await runExecCommand({ ...options, prompt }, processIo());
  });

  addExecOptions(
    exec
      .command("resume")
      .description("continue an earlier session: by id, or the most recent with --last")
      .argument("[sessionId]", "session id (or a unique prefix)")
      .argument("[prompt]", "the next message")
      .option("--last", "resume the most recent session of this folder")
      .option("--all", "with --last: the most recent session of any folder"),
  ).action(
    async (
      sessionId: string | undefined,
      prompt: string | undefined,
      options: ExecOptions & { last?: boolean; all?: boolean },
    ) => {
      const { runExecCommand } = await import("./exec/run-exec.js");
      const resume = options.last
        ? options.all
          ? { last: true as const, all: true as const }
          : { last: true as const }
        : sessionId
          ? { id: sessionId }
          : null;
      if (!resume) {
        process.stderr.write("nightshift exec resume: give a session id or --last\n");
        exitCode = 2;
        return;
      }
      // With --last the first positional is the prompt.
      const text = options.last && sessionId !== undefined && prompt === undefined ? sessionId : prompt;
      exitCode = await runExecCommand({ ...options, prompt: text, resume }, processIo());
    },
  );

  program
    .command("apply-patch")
    .description("apply a patch in the apply_patch format to the current directory (argument or stdin)")
    .argument("[patch]", "the patch text")
    .action(async (patch: string | undefined) => {
      const { runApplyPatchCommand } = await import("./commands/apply-patch.js");
      exitCode = await runApplyPatchCommand({
        patch,
        cwd: process.cwd(),
        stdin: process.stdin,
        stdout: process.stdout,
        stderr: process.stderr,
      });
    });

  registerMcpCommands(program, (code) => {
    exitCode = code;
  });

  addInteractiveOptions(
    program
      .command("resume")
      .description(
        "reopen an earlier session in the terminal interface: by id, the latest with --last, or pick one",
      )
      .argument("[sessionId]", "session id (or a unique prefix)")
      .argument("[prompt]", "a message to send at once")
      .option("--last", "the most recent session of this folder")
      .option("--all", "with --last: the most recent session of any folder"),
  ).action(
    async (
      sessionId: string | undefined,
      prompt: string | undefined,
      options: InteractiveOptions & { last?: boolean; all?: boolean },
    ) => {
      const { last, all, ...rest } = options;
      const resume = last
        ? all
          ? { last: true as const, all: true as const }
          : { last: true as const }
        : sessionId
          ? { id: sessionId }
          : ("pick" as const);
      // With --last the first positional is the prompt.
      const text = last && sessionId !== undefined && prompt === undefined ? sessionId : prompt;
      const { runInteractiveCommand } = await import("./interactive/run-interactive.js");
      exitCode = await runInteractiveCommand({ ...rest, prompt: text, resume }, processIo());
    },
  );

  addInteractiveOptions(program.argument("[prompt]", "a first message for the terminal interface")).action(
    async (prompt: string | undefined, options: InteractiveOptions) => {
      const { runInteractiveCommand } = await import("./interactive/run-interactive.js");
      exitCode = await runInteractiveCommand({ ...options, prompt }, processIo());
    },
  );

  return {
    async run(argv) {
      program.exitOverride();
      try {
        await program.parseAsync(argv);
      } catch (err) {
        const code = (err as { exitCode?: number; code?: string }).exitCode;
        if (typeof code === "number") return code === 0 ? 0 : 2;
        throw err;
      }
      return exitCode;
    },
  };
}

export { InvalidArgumentError };

function processIo() {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
  };
}
