import fs from "node:fs";
import path from "node:path";
import {
  type AgentEvent,
  ConfigError,
  createSession,
  nightshiftHome,
  resumeSession,
  type Session,
  type SessionSpec,
  SetupError,
  streamReporter,
} from "@nightshift/core";
import { VERSION } from "../version.js";
import type { ExecIo, ExecOptions } from "./exec-options.js";
import { HumanPrinter } from "./human-printer.js";
import { JsonEventPrinter } from "./json-printer.js";
import { LastMessageFile } from "./last-message-file.js";
import { resolvePrompt } from "./prompt.js";
import { COLOR, PLAIN, useColor } from "./style.js";
import { terminalSafe } from "./terminal-text.js";

/** Exit status per signal, as a shell reports a process killed by it (128 + number). */
const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/** What a command built on exec (`exec review`) adds: its own answer format and how to show it. */
export type ExecExtras = {
  outputSchema?: Record<string, unknown>;
  /** How the final message is printed on stdout (not in --json or -o, which keep it as it came). */
  renderLastMessage?: (text: string) => string;
};

/** Runs one turn of `nightshift exec` and returns the process exit status. */
export async function runExecCommand(
  options: ExecOptions,
  io: ExecIo,
  extras: ExecExtras = {},
): Promise<number> {
  const json = options.json === true || options.experimentalJson === true;
  const fail = (message: string) => {
    if (json) io.stdout.write(`${JSON.stringify({ type: "error", message })}\n`);
    io.stderr.write(`nightshift: ${message}\n`);
    return 1;
  };
  let session: Session | null = null;
  try {
    const cwd = path.resolve(io.cwd, options.cd ?? ".");
    if (!fs.existsSync(cwd) || !fs.statSync(cwd).isDirectory()) return fail(`--cd ${cwd} is not a directory`);
    const spec: SessionSpec = {
      cwd,
      config: options.config ?? [],
      model: options.model,
      fallbackModels: options.fallbackModel,
      profile: options.profile,
      sandbox: options.dangerouslyBypassApprovalsAndSandbox
        ? "danger-full-access"
        : (options.sandbox ?? (options.fullAuto ? "workspace-write" : undefined)),
      // As Codex's exec: read-only unless a flag or config.toml says otherwise.
      defaultSandbox: "read-only",
      writableRoots: options.addDir?.map((dir) => path.resolve(io.cwd, dir)),
      approvalPolicy:
        options.askForApproval ??
        (options.dangerouslyBypassApprovalsAndSandbox ? "never" : options.fullAuto ? "on-request" : "never"),
      oss: options.oss,
      localProvider: options.localProvider,
      strictConfig: options.strictConfig,
      outputSchema:
        extras.outputSchema ??
        (options.outputSchema ? readOutputSchema(options.outputSchema, io.cwd) : undefined),
      webSearch: options.search ? "live" : undefined,
    };
    const lastMessageFile = options.outputLastMessage
      ? LastMessageFile.open(options.outputLastMessage, io.cwd)
      : null;
    const prompt = await resolvePrompt(options.prompt, io.stdin, (line) => io.stderr.write(`${line}\n`));
    // exec never blocks on a human: every approval it would need is denied and the model is told.
    const deps = {
      home: nightshiftHome(io.env),
      env: io.env,
      version: VERSION,
      ossReporter: streamReporter(io.stderr as NodeJS.WriteStream),
    };
    session = options.resume
      ? await resumeSession(options.resume, spec, deps)
      : await createSession(spec, deps);
    // Images are read, and refused when the model takes none, before anything is sent.
    const images = (options.image ?? []).map((file) => path.resolve(io.cwd, file));
    const input = images.length > 0 ? await session.userInput(prompt, images) : prompt;

    const controller = new AbortController();
    let stoppedBy: string | null = null;
    const onSignal = (signal: NodeJS.Signals) => {
      stoppedBy ??= signal;
      controller.abort(new Error(`interrupted by ${signal}`));
    };
    for (const signal of Object.keys(SIGNAL_EXIT)) process.on(signal, onSignal);
    const printer = new JsonEventPrinter((line) => io.stdout.write(line));
    const human = new HumanPrinter((text) => io.stderr.write(text), {
      showReasoning: session.showRawReasoning ?? Boolean(options.oss),
      style: useColor(options.color, io.stderr as NodeJS.WriteStream, io.env) ? COLOR : PLAIN,
    });
    const print = (event: AgentEvent) => (json ? printer.handle(event) : human.handle(event));

    print(session.configuredEvent());
    for (const warning of session.warnings) print({ type: "warning", message: warning });

    let lastMessage: string | null = null;
    let failed = false;
    try {
      if (options.compact) {
        for await (const event of session.compact(controller.signal)) print(event);
      }
      for await (const event of session.runTurn(input, { signal: controller.signal })) {
        print(event);
        if (event.type === "turn_completed") lastMessage = event.lastAgentMessage;
        if (event.type === "turn_failed" || event.type === "turn_stopped") failed = true;
      }
    } finally {
      for (const signal of Object.keys(SIGNAL_EXIT)) process.off(signal, onSignal);
      await session.close();
    }
    if (!json) io.stderr.write(`${session.summary()}\n`);
    const fileProblem = lastMessageFile?.write(lastMessage ?? "") ?? null;
    if (fileProblem) {
      io.stderr.write(`nightshift: ${fileProblem}\n`);
      failed = true;
    }
    if (!json && lastMessage !== null) {
      const tty = (io.stdout as NodeJS.WriteStream).isTTY === true;
      const shown = extras.renderLastMessage?.(lastMessage) ?? lastMessage;
      io.stdout.write(`${tty ? terminalSafe(shown) : shown}\n`);
    }
    if (stoppedBy) return SIGNAL_EXIT[stoppedBy] ?? 130;
    return failed ? 1 : 0;
  } catch (err) {
    await session?.close();
    if (err instanceof ConfigError || err instanceof SetupError) return fail(err.message);
    throw err;
  }
}

function readOutputSchema(file: string, cwd: string): Record<string, unknown> {
  const full = path.resolve(cwd, file);
  let text: string;
  try {
    text = fs.readFileSync(full, "utf8");
  } catch (err) {
    throw new ConfigError(`--output-schema: cannot read ${full}: ${(err as Error).message}`);
  }
  try {
    const schema = JSON.parse(text) as unknown;
    if (typeof schema !== "object" || schema === null || Array.isArray(schema))
      throw new Error("not a JSON object");
    return schema as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(`--output-schema: ${full} is not a JSON Schema object (${(err as Error).message})`);
  }
}
