import type { Command } from "commander";
import { InvalidArgumentError } from "commander";

export type ServeCommandOptions = {
  host: string;
  port: number;
  db?: string;
  tasksDir?: string;
  workers: number;
  allowPrivateWebhooks?: boolean;
};

function integerFlag(name: string, min: number, max: number) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      throw new InvalidArgumentError(`${name} takes a whole number from ${min} to ${max}`);
    return n;
  };
}

function commandIo() {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/**
 * `nightshift serve` (the task API) and `nightshift serve keys create|list|revoke`. The server
 * loads only when one of them runs.
 */
export function registerServeCommands(program: Command, setExitCode: (code: number) => void): void {
  const serve = program
    .command("serve")
    .description("serve the task API: agents, uploads, tasks (runs), events, webhooks")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--port <port>", "port to listen on (0: any free port)", integerFlag("--port", 0, 65535), 8080)
    .option("--db <path>", "the SQLite database (default $NIGHTSHIFT_HOME/serve.db)")
    .option("--tasks-dir <dir>", "where tasks' projects are unpacked (default $NIGHTSHIFT_HOME-tasks)")
    .option("--workers <n>", "tasks worked on at once", integerFlag("--workers", 1, 256), 2)
    .option(
      "--allow-private-webhooks",
      "let webhooks go to loopback and private addresses (refused by default)",
    )
    .action(async (options: ServeCommandOptions) => {
      const { runServeCommand } = await import("./serve.js");
      setExitCode(await runServeCommand(options, commandIo()));
    });

  const keys = serve
    .command("keys")
    .description("manage API keys (each key sees only its own agents, files and tasks)");

  keys
    .command("create")
    .description(
      'create an API key; prints the key and its webhook secret once ({"api_key","webhook_secret"})',
    )
    .requiredOption("--name <name>", "a name to recognise the key by")
    .option("--db <path>", "the SQLite database (default $NIGHTSHIFT_HOME/serve.db)")
    .option("--json", "print JSON")
    .action(async (options: { name: string; db?: string; json?: boolean }) => {
      const { runKeysCreate } = await import("./serve.js");
      setExitCode(await runKeysCreate(options, commandIo()));
    });

  keys
    .command("list")
    .description("list API keys (never the keys themselves)")
    .option("--db <path>", "the SQLite database (default $NIGHTSHIFT_HOME/serve.db)")
    .option("--json", "print JSON")
    .action(async (options: { db?: string; json?: boolean }) => {
      const { runKeysList } = await import("./serve.js");
      setExitCode(await runKeysList(options, commandIo()));
    });

  keys
    .command("revoke")
    .description("revoke an API key: requests with it are refused from now on")
    .argument("<key>", "the key's id (key_...) or its name")
    .option("--db <path>", "the SQLite database (default $NIGHTSHIFT_HOME/serve.db)")
    .action(async (key: string, options: { db?: string }) => {
      const { runKeysRevoke } = await import("./serve.js");
      setExitCode(await runKeysRevoke(key, options, commandIo()));
    });
}
