import type { Command } from "commander";
import type { ApplyOptions } from "../apply/run-apply.js";
import type { Io } from "./register-exec.js";

/** `nightshift apply [SESSION_ID]` (alias `a`). */
export function registerApplyCommand(
  program: Command,
  io: () => Io,
  setExitCode: (code: number) => void,
): void {
  program
    .command("apply")
    .alias("a")
    .description(
      "apply the workspace changes of a session (the most recent one by default) to the current checkout",
    )
    .argument("[sessionId]", "session id (or a unique prefix)")
    .option("-C, --cd <dir>", "the checkout to apply to (default: the current folder)")
    .option("--diff", "print the session's changes as a git patch instead of applying them")
    .option("--3way", "merge with git's three-way apply, leaving conflict markers where needed")
    .action(
      async (
        sessionId: string | undefined,
        options: Omit<ApplyOptions, "sessionId"> & { "3way"?: boolean },
      ) => {
        const { runApplyCommand } = await import("../apply/run-apply.js");
        setExitCode(
          await runApplyCommand(
            { sessionId, cd: options.cd, diff: options.diff, threeWay: options["3way"] ?? options.threeWay },
            io(),
          ),
        );
      },
    );
}
