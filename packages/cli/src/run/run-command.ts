import fs from "node:fs";
import path from "node:path";
import { ConfigError, nightshiftHome, SetupError } from "@nightshift/core";
import {
  RunBusyError,
  type RunDeps,
  RunOptionsError,
  type RunResult,
  RunStateError,
  resumeRun,
  startRun,
} from "@nightshift/runner";
import { VERSION } from "../version.js";
import type { RunCommandOptions, RunIo } from "./run-options.js";
import { RunHumanPrinter } from "./run-printer.js";

/** `nightshift run "TASK"` and `nightshift run resume RUN_ID`: exit 0 only when the run completed. */
export async function runRunCommand(
  request: { task: string | undefined; resume?: string },
  options: RunCommandOptions,
  io: RunIo,
): Promise<number> {
  const fail = (message: string) => {
    if (options.json) io.stdout.write(`${JSON.stringify({ type: "error", message })}\n`);
    io.stderr.write(`nightshift: ${message}\n`);
    return 1;
  };
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) process.exit(130); // a second signal: stop at once (the run can be resumed)
    io.stderr.write(`nightshift: ${signal}: wrapping up the run (press again to stop at once)\n`);
    controller.abort(new Error(signal));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const human = new RunHumanPrinter((text) => io.stderr.write(text));
    const deps: RunDeps = {
      home: nightshiftHome(io.env),
      env: io.env,
      version: VERSION,
      signal: controller.signal,
      onEvent: (event) => (options.json ? io.stdout.write(`${JSON.stringify(event)}\n`) : human.run(event)),
      onSessionEvent: options.json ? undefined : (event) => human.session(event),
    };
    let result: RunResult;
    if (request.resume !== undefined) {
      result = await resumeRun(request.resume, deps);
    } else {
      const workspace = path.resolve(io.cwd, options.cd ?? ".");
      if (!fs.existsSync(workspace) || !fs.statSync(workspace).isDirectory())
        return fail(`-C ${workspace} is not a directory`);
      result = await startRun(
        {
          task: request.task ?? "",
          workspace,
          hours: options.hours,
          maxCost: options.maxCost,
          hourlyFee: options.hourlyFee,
          checkpointIntervalMin: options.checkpointInterval,
          verify: options.verify.length ? options.verify : undefined,
          output: options.output,
          outputPath: options.outputFile ? path.resolve(io.cwd, options.outputFile) : undefined,
          model: options.model,
          planModel: options.planModel,
          reviewModel: options.reviewModel,
          compactModel: options.compactModel,
          fallbackModels: options.fallbackModel,
        },
        deps,
      );
    }
    const { report } = result;
    if (!options.json) {
      const cost = `$${report.cost_usd.total.toFixed(4)}${report.max_cost === null ? "" : ` of $${report.max_cost}`}`;
      io.stdout.write(
        `${report.status}: ${report.reason}\ncost: ${cost} (tokens $${report.cost_usd.tokens.toFixed(4)} + fee $${report.cost_usd.fee.toFixed(4)})\nreport: ${result.reportPath}\nartifact: ${report.artifact.path ?? "none"}\n`,
      );
    }
    if (report.status === "completed") return 0;
    return report.status === "cancelled" ? 130 : 1;
  } catch (err) {
    if (
      err instanceof RunOptionsError ||
      err instanceof RunStateError ||
      err instanceof RunBusyError ||
      err instanceof ConfigError ||
      err instanceof SetupError
    ) {
      return fail(err.message);
    }
    throw err;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
