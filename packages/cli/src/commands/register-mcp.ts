import type { Command } from "commander";

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function commandIo() {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env };
}

/** Declares `nightshift mcp …` and `nightshift mcp-server` (implementations load lazily). */
export function registerMcpCommands(program: Command, setExitCode: (code: number) => void): void {
  const mcp = program.command("mcp").description("manage the MCP servers in config.toml");

  mcp
    .command("add")
    .description("add (or replace) an MCP server: a command after --, or --url for streamable HTTP")
    .argument("<name>", "server name (letters, digits, _ and -)")
    .argument("[command...]", "command that starts a stdio server, after --")
    .option("--env <KEY=VALUE>", "environment variable for a stdio server, repeatable", collect, [])
    .option(
      "--env-var <NAME>",
      "pass this variable of nightshift's environment through, repeatable",
      collect,
      [],
    )
    .option("--cwd <dir>", "working directory of a stdio server")
    .option("--url <url>", "URL of a streamable HTTP server")
    .option("--bearer-token-env-var <NAME>", "environment variable holding the bearer token (HTTP)")
    .option("--header <Name:Value>", "extra HTTP header, repeatable", collect, [])
    .option("--required", "fail sessions when this server cannot start")
    .option("--startup-timeout-sec <seconds>", "how long to wait for it to start (default 30)")
    .option("--tool-timeout-sec <seconds>", "how long one tool call may take (default 120)")
    .action(async (name: string, command: string[], options) => {
      const { runMcpAdd } = await import("./mcp.js");
      setExitCode(runMcpAdd(name, command, options, commandIo()));
    });

  mcp
    .command("list")
    .description("list the configured MCP servers")
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }) => {
      const { runMcpList } = await import("./mcp.js");
      setExitCode(runMcpList(options, commandIo()));
    });

  mcp
    .command("get")
    .description("show one MCP server's configuration (secret values masked)")
    .argument("<name>")
    .option("--json", "print JSON (values not masked)")
    .action(async (name: string, options: { json?: boolean }) => {
      const { runMcpGet } = await import("./mcp.js");
      setExitCode(runMcpGet(name, options, commandIo()));
    });

  mcp
    .command("remove")
    .description("remove an MCP server from config.toml")
    .argument("<name>")
    .action(async (name: string) => {
      const { runMcpRemove } = await import("./mcp.js");
      setExitCode(runMcpRemove(name, commandIo()));
    });

  program
    .command("mcp-server")
    .description("run nightshift as an MCP server over stdio (tools: nightshift, nightshift-reply)")
    .option("-c, --config <key=value>", "override a config value (TOML), repeatable", collect, [])
    .action(async (options: { config: string[] }) => {
      const { runMcpServer } = await import("../mcp-server/server.js");
      setExitCode(
        await runMcpServer(options, {
          stdin: process.stdin,
          stdout: process.stdout,
          stderr: process.stderr,
          env: process.env,
          cwd: process.cwd(),
        }),
      );
    });
}
