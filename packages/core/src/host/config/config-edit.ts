import { parse as parseToml, stringify as stringifyToml } from "smol-toml";
import { ConfigError } from "../errors.js";
import type { McpServerToml } from "./schema.js";

export type EditResult = {
  text: string;
  /** The edit had to rewrite the whole file (comments and layout are gone). */
  rewritten: boolean;
};

/**
 * `config.toml` with `[mcp_servers.<name>]` set to `entry` (or removed when `entry` is null).
 * The edit is made on the text, so comments and the rest of the file stay as they were; when the
 * file is laid out so that a text edit cannot do it (inline tables, dotted keys), the file is
 * rewritten from its parsed form instead, which loses comments.
 */
export function editMcpServer(text: string, name: string, entry: McpServerToml | null): EditResult {
  const original = parseConfig(text);
  const expected = withServer(original, name, entry);
  let edited = removeServerTables(text, name);
  if (entry) {
    const section = stringifyToml({ mcp_servers: { [name]: entry } }).trim();
    edited = `${edited.trimEnd()}${edited.trim() === "" ? "" : "\n\n"}${section}\n`;
  }
  try {
    if (canonical(parseToml(edited)) === canonical(expected)) return { text: edited, rewritten: false };
  } catch {
    // The text edit broke the file: fall through to a rewrite.
  }
  return { text: stringifyToml(expected), rewritten: true };
}

export function parseConfig(text: string): Record<string, unknown> {
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(`config.toml is not valid TOML: ${(err as Error).message}`);
  }
}

/** The `[mcp_servers]` table of a parsed config (empty when absent or malformed). */
export function mcpServersOf(config: Record<string, unknown>): Record<string, Record<string, unknown>> {
  const servers = config.mcp_servers;
  return typeof servers === "object" && servers !== null && !Array.isArray(servers)
    ? (servers as Record<string, Record<string, unknown>>)
    : {};
}

function withServer(
  config: Record<string, unknown>,
  name: string,
  entry: McpServerToml | null,
): Record<string, unknown> {
  const servers = { ...mcpServersOf(config) };
  if (entry) servers[name] = entry as Record<string, unknown>;
  else delete servers[name];
  return { ...config, mcp_servers: servers };
}

/**
 * A comparable form of a parsed config: keys sorted (the parser's objects and ours differ in
 * prototype and key order), and an empty `[mcp_servers]` the same as a missing one.
 */
function canonical(config: Record<string, unknown>): string {
  const { mcp_servers: servers, ...rest } = config;
  const table = mcpServersOf({ mcp_servers: servers });
  const value = Object.keys(table).length === 0 ? rest : { ...rest, mcp_servers: table };
  return JSON.stringify(value, (_key, item: unknown) =>
    typeof item === "object" && item !== null && !Array.isArray(item) && !(item instanceof Date)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}

/**
 * Drops the lines of `[mcp_servers.<name>]` and of its sub-tables, up to the next other table.
 * Comments right before that next table are taken to belong to it and stay.
 */
function removeServerTables(text: string, name: string): string {
  const key = `(?:${escapeRegExp(name)}|${escapeRegExp(JSON.stringify(name))}|'${escapeRegExp(name)}')`;
  const ours = new RegExp(`^\\s*\\[\\s*mcp_servers\\s*\\.\\s*${key}\\s*(?:\\.[^\\]]*)?\\]\\s*(?:#.*)?$`);
  const anyTable = /^\s*\[/;
  const kept: string[] = [];
  let skipping = false;
  let trailingComments: string[] = [];
  for (const line of text.split("\n")) {
    if (anyTable.test(line)) {
      const wasSkipping = skipping;
      skipping = ours.test(line);
      if (wasSkipping && !skipping) {
        const first = trailingComments.findIndex((comment) => comment.trim() !== "");
        if (first !== -1) kept.push(...trailingComments.slice(first));
      }
      trailingComments = [];
    }
    if (!skipping) kept.push(line);
    else if (/^\s*(#.*)?$/.test(line)) trailingComments.push(line);
    else trailingComments = [];
  }
  return kept.join("\n");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
