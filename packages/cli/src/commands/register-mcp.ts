import type { Command } from "commander";

/** Declares `nightshift mcp …` and `nightshift mcp-server` (implementations load lazily). */
export function registerMcpCommands(_program: Command, _setExitCode: (code: number) => void): void {}
