import type { Command } from "commander";
import type { InteractiveOptions } from "../interactive/interactive-options.js";
import { addSessionOptions, type Io } from "./register-exec.js";

/** Options of `nightshift [prompt]` and `nightshift resume`. */
function addInteractiveOptions(command: Command): Command {
  return addSessionOptions(command).option(
    "--fullscreen",
    "draw on the alternate screen instead of inline in the scrollback",
  );
}

/** `nightshift [prompt]` and `nightshift resume`: the terminal interface (plain output without a terminal). */
export function registerInteractiveCommands(
  program: Command,
  io: () => Io,
  setExitCode: (code: number) => void,
): void {
  const run = async (options: InteractiveOptions) => {
    const { runInteractiveCommand } = await import("../interactive/run-interactive.js");
    setExitCode(await runInteractiveCommand(options, io()));
  };
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
      await run({ ...rest, prompt: text, resume });
    },
  );
  addInteractiveOptions(program.argument("[prompt]", "a first message for the terminal interface")).action(
    async (prompt: string | undefined, options: InteractiveOptions) => run({ ...options, prompt }),
  );
}
