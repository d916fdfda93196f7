import { Command, InvalidArgumentError } from "commander";
import { registerApplyCommand } from "./commands/register-apply.js";
import { registerExecCommands } from "./commands/register-exec.js";
import { registerInteractiveCommands } from "./commands/register-interactive.js";
import { registerMcpCommands } from "./commands/register-mcp.js";
import { registerServeCommands } from "./commands/register-serve.js";
import { registerWorkerCommand } from "./commands/register-worker.js";
import { registerRunCommands } from "./run/register-run.js";
import { VERSION } from "./version.js";

export function buildProgram(): { run(argv: string[]): Promise<number> } {
  let exitCode = 0;
  const program = new Command("nightshift")
    .description("An autonomous coding agent for long jobs.")
    .version(`nightshift ${VERSION}`, "-V, --version")
    .showHelpAfterError("(run nightshift --help for usage)")
    // Options after a subcommand belong to that subcommand (`exec resume -s ...`).
    .enablePositionalOptions();

  registerExecCommands(program, processIo, (code) => {
    exitCode = code;
  });

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

  registerApplyCommand(program, processIo, (code) => {
    exitCode = code;
  });
  program
    .command("models")
    .description(
      "list the configured providers' models: context window, prices per million tokens, capabilities",
    )
    .option("-c, --config <key=value>", "override a config value (TOML), repeatable", collectValues, [])
    .option("-p, --profile <name>", "configuration profile")
    .option("--provider <id>", "only this provider")
    .option("--oss", "the local model server (Ollama or LM Studio) as the provider")
    .option("--local-provider <id>", "local provider for --oss")
    .option("--offline", "do not ask the providers' /v1/models")
    .option("--json", "print the listing as JSON")
    .option("--strict-config", "unknown config.toml keys are errors, not warnings")
    .action(async (options) => {
      const { runModelsCommand } = await import("./commands/models.js");
      exitCode = await runModelsCommand(options, processIo());
    });

  registerMcpCommands(program, (code) => {
    exitCode = code;
  });

  registerRunCommands(program, processIo, (code) => {
    exitCode = code;
  });

  registerServeCommands(program, (code) => {
    exitCode = code;
  });

  registerWorkerCommand(program, (code) => (exitCode = code));

  registerInteractiveCommands(program, processIo, (code) => {
    exitCode = code;
  });

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

function collectValues(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function processIo() {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
  };
}
