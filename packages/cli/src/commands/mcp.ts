import fs from "node:fs";
import path from "node:path";
import {
  ConfigError,
  configPath,
  editMcpServer,
  type McpServerToml,
  mcpServerSchema,
  mcpServersOf,
  nightshiftHome,
  parseConfig,
  SERVER_NAME_PATTERN,
} from "@nightshift/core/config";

export type McpCommandIo = {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  env: NodeJS.ProcessEnv;
};

export type McpAddOptions = {
  env?: string[];
  envVar?: string[];
  url?: string;
  bearerTokenEnvVar?: string;
  header?: string[];
  cwd?: string;
  required?: boolean;
  startupTimeoutSec?: string;
  toolTimeoutSec?: string;
};

/** `nightshift mcp add <name> [options] -- <command> [args...]` or `... --url <url>`. */
export function runMcpAdd(name: string, command: string[], options: McpAddOptions, io: McpCommandIo): number {
  return guarded(io, () => {
    if (!SERVER_NAME_PATTERN.test(name)) {
      throw new ConfigError(`invalid server name "${name}": use letters, digits, '_' and '-' (at most 40)`);
    }
    if (command.length > 0 === (options.url !== undefined)) {
      throw new ConfigError(
        "give either a command after -- (a stdio server) or --url (a streamable HTTP server)",
      );
    }
    const entry: McpServerToml = {};
    if (options.url !== undefined) {
      entry.url = options.url;
      if (options.bearerTokenEnvVar) entry.bearer_token_env_var = options.bearerTokenEnvVar;
      if (options.header?.length) entry.http_headers = pairs(options.header, "--header", ":");
    } else {
      entry.command = command[0]!;
      if (command.length > 1) entry.args = command.slice(1);
      if (options.env?.length) entry.env = pairs(options.env, "--env", "=");
      if (options.envVar?.length) entry.env_vars = options.envVar;
      if (options.cwd) entry.cwd = options.cwd;
    }
    if (options.required) entry.required = true;
    if (options.startupTimeoutSec)
      entry.startup_timeout_sec = seconds(options.startupTimeoutSec, "--startup-timeout-sec");
    if (options.toolTimeoutSec)
      entry.tool_timeout_sec = seconds(options.toolTimeoutSec, "--tool-timeout-sec");
    const checked = mcpServerSchema.safeParse(entry);
    if (!checked.success)
      throw new ConfigError(checked.error.issues.map((issue) => issue.message).join("; "));
    const written = writeEdit(io.env, name, checked.data);
    io.stdout.write(`Added MCP server "${name}" to ${written.file}\n`);
    if (written.rewritten) io.stderr.write(REWRITE_NOTE);
  });
}

/** `nightshift mcp remove <name>`. */
export function runMcpRemove(name: string, io: McpCommandIo): number {
  return guarded(io, () => {
    const { servers } = readServers(io.env);
    if (!(name in servers)) throw new ConfigError(`no MCP server named "${name}"`);
    const written = writeEdit(io.env, name, null);
    io.stdout.write(`Removed MCP server "${name}" from ${written.file}\n`);
    if (written.rewritten) io.stderr.write(REWRITE_NOTE);
  });
}

/** `nightshift mcp list [--json]`. */
export function runMcpList(options: { json?: boolean }, io: McpCommandIo): number {
  return guarded(io, () => {
    const { servers } = readServers(io.env);
    const names = Object.keys(servers).sort();
    if (options.json) {
      io.stdout.write(
        `${JSON.stringify(
          names.map((name) => ({ name, ...servers[name] })),
          null,
          2,
        )}\n`,
      );
      return;
    }
    if (names.length === 0) {
      io.stdout.write(
        "No MCP servers configured. Add one with: nightshift mcp add <name> -- <command> [args...]\n",
      );
      return;
    }
    const rows = names.map((name) => {
      const entry = servers[name]!;
      return [
        name,
        target(entry),
        entry.enabled === false ? "disabled" : "enabled",
        entry.required ? "yes" : "no",
      ];
    });
    io.stdout.write(table([["Name", "Command / URL", "Status", "Required"], ...rows]));
  });
}

/** `nightshift mcp get <name> [--json]`. */
export function runMcpGet(name: string, options: { json?: boolean }, io: McpCommandIo): number {
  return guarded(io, () => {
    const { servers } = readServers(io.env);
    const entry = servers[name];
    if (!entry) throw new ConfigError(`no MCP server named "${name}"`);
    if (options.json) {
      io.stdout.write(`${JSON.stringify({ name, ...entry }, null, 2)}\n`);
      return;
    }
    const lines = [name, `  enabled: ${entry.enabled !== false}`, `  required: ${entry.required === true}`];
    if (entry.url !== undefined) {
      lines.push("  transport: streamable HTTP", `  url: ${entry.url}`);
      if (entry.bearer_token_env_var) lines.push(`  bearer_token_env_var: ${entry.bearer_token_env_var}`);
      for (const header of Object.keys(entry.http_headers ?? {}).sort())
        lines.push(`  header: ${header}: *****`);
    } else {
      lines.push("  transport: stdio", `  command: ${entry.command ?? "(missing)"}`);
      if (entry.args?.length) lines.push(`  args: ${entry.args.join(" ")}`);
      if (entry.cwd) lines.push(`  cwd: ${entry.cwd}`);
      // Values may be secrets: only names are shown.
      for (const key of Object.keys(entry.env ?? {}).sort()) lines.push(`  env: ${key}=*****`);
      if (entry.env_vars?.length) lines.push(`  env_vars: ${entry.env_vars.join(", ")}`);
    }
    if (entry.startup_timeout_sec !== undefined)
      lines.push(`  startup_timeout_sec: ${entry.startup_timeout_sec}`);
    if (entry.tool_timeout_sec !== undefined) lines.push(`  tool_timeout_sec: ${entry.tool_timeout_sec}`);
    if (entry.enabled_tools) lines.push(`  enabled_tools: ${entry.enabled_tools.join(", ")}`);
    if (entry.disabled_tools) lines.push(`  disabled_tools: ${entry.disabled_tools.join(", ")}`);
    io.stdout.write(`${lines.join("\n")}\n`);
  });
}

function guarded(io: McpCommandIo, body: () => void): number {
  try {
    body();
    return 0;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.stderr.write(`nightshift mcp: ${err.message}\n`);
    return 1;
  }
}

function readText(env: NodeJS.ProcessEnv): { file: string; text: string } {
  const file = configPath(nightshiftHome(env));
  try {
    return { file, text: fs.readFileSync(file, "utf8") };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { file, text: "" };
    throw new ConfigError(`cannot read ${file}: ${(err as Error).message}`);
  }
}

function readServers(env: NodeJS.ProcessEnv): { servers: Record<string, McpServerToml> } {
  const { text } = readText(env);
  const raw = mcpServersOf(parseConfig(text));
  const servers: Record<string, McpServerToml> = {};
  for (const [name, entry] of Object.entries(raw)) {
    const parsed = mcpServerSchema.safeParse(entry);
    if (!parsed.success)
      throw new ConfigError(`[mcp_servers.${name}] is invalid: ${parsed.error.issues[0]?.message}`);
    servers[name] = parsed.data;
  }
  return { servers };
}

const REWRITE_NOTE =
  "note: config.toml's layout (inline tables or dotted keys) needed a full rewrite; its comments were not kept\n";

/** Writes the edited config atomically (temp file + rename). */
function writeEdit(
  env: NodeJS.ProcessEnv,
  name: string,
  entry: McpServerToml | null,
): { file: string; rewritten: boolean } {
  const { file, text } = readText(env);
  const result = editMcpServer(text, name, entry);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, result.text, { mode: 0o600 });
  fs.renameSync(temp, file);
  return { file, rewritten: result.rewritten };
}

function pairs(items: string[], flag: string, separator: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const at = item.indexOf(separator);
    if (at <= 0) throw new ConfigError(`${flag} expects KEY${separator}VALUE, got "${item}"`);
    out[item.slice(0, at).trim()] = item.slice(at + 1).trim();
  }
  return out;
}

function seconds(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0)
    throw new ConfigError(`${flag} expects a positive number of seconds`);
  return value;
}

function target(entry: McpServerToml): string {
  if (entry.url !== undefined) return entry.url;
  return [entry.command ?? "(no command)", ...(entry.args ?? [])].join(" ");
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const lines = rows.map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join("  ")
      .trimEnd(),
  );
  return `${lines.join("\n")}\n`;
}
