import type { CommandResult } from "../tool.js";

/** The text the model sees for a finished command. */
export function formatCommandOutput(result: CommandResult, body: string, notes: string[] = []): string {
  const lines: string[] = [];
  if (result.timedOut) lines.push("Command timed out and was killed.");
  if (result.aborted) lines.push("aborted by user: the command was interrupted.");
  const exit = result.exitCode ?? (result.signal ? `killed by ${result.signal}` : "unknown");
  lines.push(`Exit code: ${exit}`);
  lines.push(`Wall time: ${(result.durationMs / 1000).toFixed(1)} seconds`);
  lines.push(...notes);
  lines.push("Output:");
  lines.push(body);
  return lines.join("\n");
}
