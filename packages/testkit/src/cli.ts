/** `nightshift-fake-model`: runs the fake model server from a scenario file. */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadScenario } from "./scenario.js";
import { startFakeModelServer } from "./server.js";
import type { FakeModelServer, RecordedRequest } from "./types.js";

export const USAGE = `usage: nightshift-fake-model [--scenario FILE] [--port N] [--host 127.0.0.1] [--record FILE]
                             [--models a,b] [--pullable a,b] [--ollama-version V] [--api-key KEY] [--strict]

Serves an OpenAI-compatible fake model on 127.0.0.1. Prints "listening on <base url>" first on stdout,
logs one line per request on stderr, and stops on SIGINT/SIGTERM.
  --record FILE  write every recorded request as JSON lines on exit
  --strict       exit with status 1 if a request failed or scenario steps were left unused`;

export interface CliIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
}

export interface RunningCli {
  server: FakeModelServer;
  /** Closes the server, writes the record file, reports; resolves to the exit status. */
  stop(): Promise<number>;
}

function list(value: string | undefined): string[] | undefined {
  return value === undefined
    ? undefined
    : value
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");
}

function logLine(request: RecordedRequest): string {
  const step = request.stepIndex === null ? "step#-" : `step#${request.stepIndex}`;
  return `${request.method} ${request.path} ${step}${request.error ? " FAILED" : ""}`;
}

/** Starts the server for these arguments; throws with a usage message on bad arguments. */
export async function startCli(argv: string[], io: CliIo): Promise<RunningCli> {
  const { values } = parseArgs({
    args: argv,
    options: {
      scenario: { type: "string" },
      port: { type: "string" },
      host: { type: "string" },
      record: { type: "string" },
      models: { type: "string" },
      pullable: { type: "string" },
      "ollama-version": { type: "string" },
      "api-key": { type: "string" },
      strict: { type: "boolean" },
    },
    strict: true,
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port ${values.port}`);
  if (values.host !== undefined && values.host !== "127.0.0.1") {
    throw new Error("--host must be 127.0.0.1: the fake model server only listens on loopback");
  }
  const scenario = values.scenario === undefined ? { steps: [] } : loadScenario(values.scenario);
  const server = await startFakeModelServer({
    scenario,
    port,
    host: "127.0.0.1",
    models: list(values.models),
    pullable: list(values.pullable),
    ollamaVersion: values["ollama-version"],
    apiKey: values["api-key"],
    onRequest: (request) => {
      io.stderr(logLine(request));
      if (request.error) io.stderr(request.error);
    },
  });
  io.stdout(`listening on ${server.url}`);
  let stopped: Promise<number> | undefined;
  const stop = async (): Promise<number> => {
    await server.close();
    if (values.record !== undefined) {
      const lines = server.requests.map((request) => `${JSON.stringify(request)}\n`).join("");
      writeFileSync(values.record, lines);
    }
    const remaining = server.remainingSteps();
    io.stderr(
      `${server.requests.length} requests, ${server.failures.length} failures, ${remaining} steps left`,
    );
    return values.strict && (server.failures.length > 0 || remaining > 0) ? 1 : 0;
  };
  return {
    server,
    stop: () => {
      stopped ??= stop();
      return stopped;
    },
  };
}

/** Process entry point used by `bin/nightshift-fake-model.js`. */
export async function main(argv: string[]): Promise<void> {
  const io: CliIo = {
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
  };
  if (argv.includes("--help") || argv.includes("-h")) {
    io.stdout(USAGE);
    return;
  }
  // Handlers go in before the server announces itself, so a signal right after "listening on" is handled.
  let running: Promise<RunningCli> | undefined;
  const shutdown = () => {
    void running?.then((cli) => cli.stop()).then((status) => process.exit(status));
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
  running = startCli(argv, io);
  try {
    await running;
  } catch (error) {
    io.stderr(`nightshift-fake-model: ${(error as Error).message}\n\n${USAGE}`);
    process.off("SIGINT", shutdown);
    process.off("SIGTERM", shutdown);
    process.exitCode = 2;
  }
}
