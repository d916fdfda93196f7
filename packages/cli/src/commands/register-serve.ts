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

/** The server needs node:sqlite (Node 22.13 and later): say so rather than print a stack. */
async function loadServe(): Promise<typeof import("./serve.js") | null> {
  try {
    return await import("./serve.js");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ERR_UNKNOWN_BUILTIN_MODULE") throw err;
    process.stderr.write(
      `nightshift: serve needs node:sqlite (Node 22.13 or later; this is ${process.version})\n`,
    );
    return null;
  }
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
    .option("--db <path>", "the SQLite file (default $NIGHTSHIFT_HOME/serve.db) or a postgres:// URL")
    .option("--tasks-dir <dir>", "where tasks' projects are unpacked (default $NIGHTSHIFT_HOME-tasks)")
    .option(
      "--workers <n>",
      "tasks worked on at once in this process (0 with PostgreSQL: the API only)",
      integerFlag("--workers", 0, 256),
      2,
    )
    .option(
      "--allow-private-webhooks",
      "let webhooks go to loopback and private addresses (refused by default)",
    )
    .action(async (options: ServeCommandOptions) => {
      const loaded = await loadServe();
      setExitCode(loaded ? await loaded.runServeCommand(options, commandIo()) : 1);
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
    .option("--db <path>", "the SQLite file (default $NIGHTSHIFT_HOME/serve.db) or a postgres:// URL")
    .option("--json", "print JSON")
    .action(async (options: { name: string; db?: string; json?: boolean }) => {
      const loaded = await loadServe();
      setExitCode(loaded ? await loaded.runKeysCreate(options, commandIo()) : 1);
    });

  keys
    .command("list")
    .description("list API keys (never the keys themselves)")
    .option("--db <path>", "the SQLite file (default $NIGHTSHIFT_HOME/serve.db) or a postgres:// URL")
    .option("--json", "print JSON")
    .action(async (options: { db?: string; json?: boolean }) => {
      const loaded = await loadServe();
      setExitCode(loaded ? await loaded.runKeysList(options, commandIo()) : 1);
    });

  keys
    .command("revoke")
    .description("revoke an API key: requests with it are refused from now on")
    .argument("<key>", "the key's id (key_...) or its name")
    .option("--db <path>", "the SQLite file (default $NIGHTSHIFT_HOME/serve.db) or a postgres:// URL")
    .action(async (key: string, options: { db?: string }) => {
      const loaded = await loadServe();
      setExitCode(loaded ? await loaded.runKeysRevoke(key, options, commandIo()) : 1);
    });
}
