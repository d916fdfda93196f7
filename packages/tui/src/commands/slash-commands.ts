/** The slash commands, in the order the popup lists them. */
export const SLASH_COMMANDS = [
  {
    name: "model",
    usage: "/model [name] [effort]",
    description: "switch the model and its reasoning effort",
  },
  {
    name: "approvals",
    usage: "/approvals [preset]",
    description: "choose what the agent may do without asking",
  },
  { name: "status", usage: "/status", description: "model, sandbox, tokens, cost and context left" },
  { name: "diff", usage: "/diff", description: "show what changed in the workspace (git)" },
  { name: "undo", usage: "/undo", description: "restore the files the last turn changed" },
  { name: "compact", usage: "/compact", description: "summarise the conversation to free context" },
  { name: "new", usage: "/new", description: "start a new session in this folder" },
  { name: "resume", usage: "/resume", description: "continue an earlier session of this folder" },
  { name: "init", usage: "/init", description: "write an AGENTS.md with instructions for the agent" },
  { name: "mcp", usage: "/mcp", description: "list the MCP servers and their tools" },
  { name: "quit", usage: "/quit", description: "leave nightshift (also /exit)" },
] as const;

export type SlashCommandName = (typeof SLASH_COMMANDS)[number]["name"];

export type SlashCommand = { name: SlashCommandName; args: string[] };

/** `/name args…` → the command, or a problem to show. Null when the text is not a slash command. */
export function parseSlashCommand(text: string): SlashCommand | { error: string } | null {
  const match = /^\/(\S*)\s*([\s\S]*)$/.exec(text.trim());
  if (!match) return null;
  const typed = match[1]!.toLowerCase();
  const name = typed === "exit" ? "quit" : typed;
  const command = SLASH_COMMANDS.find((entry) => entry.name === name);
  if (!command) return { error: `unknown command /${typed}: type / to see the commands` };
  const args = match[2]!.split(/\s+/).filter((arg) => arg !== "");
  return { name: command.name, args };
}

/** The commands whose name starts with (or else contains) what was typed after the slash. */
export function matchingCommands(typed: string): (typeof SLASH_COMMANDS)[number][] {
  const query = typed.toLowerCase();
  const starts = SLASH_COMMANDS.filter((entry) => entry.name.startsWith(query));
  if (starts.length > 0) return starts;
  return SLASH_COMMANDS.filter((entry) => entry.name.includes(query));
}
