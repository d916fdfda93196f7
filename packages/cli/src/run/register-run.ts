import { type Command, Option } from "commander";
import { numberFlag, type RunCommandOptions, type RunIo } from "./run-options.js";

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * `nightshift run "TASK"`, `run resume RUN_ID`, `run list`, `run status RUN_ID`. The runner loads
 * only when one of them runs.
 */
export function registerRunCommands(
  program: Command,
  io: () => RunIo,
  setExitCode: (code: number) => void,
): void {
  const run = program
    .command("run")
    .description("work on a task unattended for up to 24 hours, within a budget, and deliver a result")
    .argument("[task]", "what to do")
    .option("-C, --cd <dir>", "the project folder (default: the current folder)")
    .option("--hours <hours>", "time limit, at most 24 (default 24)", numberFlag("--hours"))
    .option("--max-cost <usd>", "the whole bill: tokens plus the hourly fee", numberFlag("--max-cost"))
    .option(
      "--hourly-fee <usd>",
      "dollars per hour of work added to the bill (default 0)",
      numberFlag("--hourly-fee"),
    )
    .option(
      "--checkpoint-interval <minutes>",
      "minutes of work between checkpoints (default 30)",
      numberFlag("--checkpoint-interval"),
    )
    .option("--verify <command>", "verification command (repeatable; default: detected)", collect, [])
    .addOption(
      new Option("--output <format>", "what to deliver (default zip)").choices(["zip", "patch", "none"]),
    )
    .option("-o, --output-file <path>", "where to write the artifact (default: the run's folder)")
    .option("--json", "print run events as JSON lines on stdout")
    .option(
      "-m, --model <model>",
      'model for the work ("<provider>:<model>" or "<model>"; config: [run] model)',
    )
    .option("--plan-model <model>", "model for planning (default: --model; config: [run] plan_model)")
    .option(
      "--review-model <model>",
      "model that judges the review criteria no command can check (default: --model; config: [run] review_model)",
    )
    .option("--compact-model <model>", "model that writes compaction summaries (config: [run] compact_model)")
    .option(
      "--fallback-model <model>",
      "model to continue on when one fails beyond retries, repeatable (config: [run] fallback_models)",
      collect,
      [],
    )
    .enablePositionalOptions()
    .action(async (task: string | undefined, options: RunCommandOptions) => {
      const { runRunCommand } = await import("./run-command.js");
      setExitCode(await runRunCommand({ task }, options, io()));
    });

  run
    .command("resume")
    .description("continue a run after a kill, a reboot or a cancel")
    .argument("<runId>", "the run's id (see nightshift run list)")
    .option("--json", "print run events as JSON lines on stdout")
    .action(async (runId: string, options: { json?: boolean }) => {
      const { runRunCommand } = await import("./run-command.js");
      setExitCode(
        await runRunCommand({ task: undefined, resume: runId }, { verify: [], json: options.json }, io()),
      );
    });

  run
    .command("attach")
    .description("watch a run that another process works on, until it ends (Ctrl-C detaches)")
    .argument("<runId>", "the run's id or a unique prefix of it")
    .action(async (runId: string) => {
      const { runAttachCommand } = await import("./run-attach.js");
      setExitCode(await runAttachCommand(runId, io()));
    });

  run
    .command("list")
    .description("list runs, newest first")
    .action(async () => {
      const { runListCommand } = await import("./run-list.js");
      setExitCode(runListCommand(io()));
    });

  run
    .command("status")
    .description("show a run's status, cost and report")
    .argument("<runId>", "the run's id")
    .action(async (runId: string) => {
      const { runStatusCommand } = await import("./run-list.js");
      setExitCode(runStatusCommand(runId, io()));
    });
}
