import fs from "node:fs";
import path from "node:path";
import {
  ConfigError,
  nightshiftHome,
  resumeSession,
  type SessionSpec,
  SetupError,
  streamReporter,
} from "@nightshift/core";
import type { ExecIo } from "../exec/exec-options.js";
import { HumanPrinter } from "../exec/human-printer.js";
import { runExecCommand } from "../exec/run-exec.js";
import { COLOR, PLAIN, useColor } from "../exec/style.js";
import { VERSION } from "../version.js";
import type { InteractiveOptions } from "./interactive-options.js";

/**
 * `nightshift [prompt]` and `nightshift resume`: the terminal interface when both ends are a
 * terminal; otherwise exec-style output (a prompt runs like `nightshift exec`, a resume without
 * one prints the session's history).
 */
export async function runInteractiveCommand(options: InteractiveOptions, io: ExecIo): Promise<number> {
  const stdin = io.stdin as NodeJS.ReadStream;
  const stdout = io.stdout as NodeJS.WriteStream;
  const cwd = path.resolve(io.cwd, options.cd ?? ".");
  if (!fs.existsSync(cwd) || !fs.statSync(cwd).isDirectory()) {
    io.stderr.write(`nightshift: --cd ${cwd} is not a directory\n`);
    return 1;
  }
  if (!(stdin.isTTY && stdout.isTTY)) return degrade(options, io, cwd);

  const spec: SessionSpec = {
    cwd,
    config: options.config ?? [],
    model: options.model,
    fallbackModels: options.fallbackModel,
    profile: options.profile,
    sandbox: options.dangerouslyBypassApprovalsAndSandbox
      ? "danger-full-access"
      : (options.sandbox ?? (options.fullAuto ? "workspace-write" : undefined)),
    approvalPolicy:
      options.askForApproval ??
      (options.dangerouslyBypassApprovalsAndSandbox ? "never" : options.fullAuto ? "on-request" : undefined),
    oss: options.oss,
    localProvider: options.localProvider,
    writableRoots: options.addDir?.map((dir) => path.resolve(io.cwd, dir)),
    strictConfig: options.strictConfig,
    webSearch: options.search ? "live" : undefined,
  };
  const host = {
    home: nightshiftHome(io.env),
    env: io.env,
    version: VERSION,
    ossReporter: streamReporter(io.stderr as NodeJS.WriteStream),
  };
  // Loaded only here: React and Ink stay out of `exec` and every other command.
  const { runTui } = await import("@nightshift/tui");
  return runTui({
    spec,
    host,
    open:
      options.resume === undefined
        ? { kind: "new" }
        : options.resume === "pick"
          ? { kind: "pick" }
          : { kind: "resume", query: options.resume },
    prompt: options.prompt,
    images: options.image?.map((file) => path.resolve(io.cwd, file)),
    stdin,
    stdout,
    stderr: io.stderr as NodeJS.WriteStream,
    env: io.env,
    fullscreen: options.fullscreen,
  });
}

/** Not a terminal: what `exec` would do, or the history of the session to resume. */
async function degrade(options: InteractiveOptions, io: ExecIo, cwd: string): Promise<number> {
  const resume = options.resume === "pick" ? { last: true as const } : options.resume;
  if (resume && options.prompt === undefined) return printHistory(resume, options, io, cwd);
  const { fullscreen: _fullscreen, resume: _resume, ...rest } = options;
  return runExecCommand({ ...rest, resume }, io);
}

async function printHistory(
  query: NonNullable<Exclude<InteractiveOptions["resume"], "pick">>,
  options: InteractiveOptions,
  io: ExecIo,
  cwd: string,
): Promise<number> {
  const deps = { home: nightshiftHome(io.env), env: io.env, version: VERSION };
  try {
    const session = await resumeSession(
      query,
      { cwd, config: options.config ?? [], inheritLastTurn: true },
      deps,
    );
    try {
      const style = useColor("auto", io.stdout as NodeJS.WriteStream, io.env) ? COLOR : PLAIN;
      const printer = new HumanPrinter((text) => io.stdout.write(text), { showReasoning: false, style });
      printer.handle(session.configuredEvent());
      for (const event of session.replay()) {
        if (event.type === "agent_message") io.stdout.write(`${event.text}\n`);
        else printer.handle(event);
      }
    } finally {
      await session.close();
    }
    return 0;
  } catch (err) {
    if (err instanceof ConfigError || err instanceof SetupError) {
      io.stderr.write(`nightshift: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
