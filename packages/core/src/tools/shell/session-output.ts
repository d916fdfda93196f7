import { PTY_SESSIONS_WARNING, type PtySession, type SessionRead } from "../../exec/pty-sessions.js";
import { quoteArgv } from "../../util/shell-quote.js";
import type { ToolContext, ToolResult } from "../tool.js";
import { formatTruncatedOutput } from "../truncate.js";

/** How long a call waits for an interactive command before it hands back what it has. */
export const DEFAULT_YIELD_TIME_MS = 10_000;
export const MIN_YIELD_TIME_MS = 250;
export const MAX_YIELD_TIME_MS = 30_000;

export function clampYieldTime(ms: number): number {
  if (!Number.isFinite(ms)) return DEFAULT_YIELD_TIME_MS;
  return Math.min(MAX_YIELD_TIME_MS, Math.max(MIN_YIELD_TIME_MS, Math.round(ms)));
}

/**
 * Waits on `session` for up to `yieldMs` (streaming its output to the faces meanwhile) and
 * turns what came into the result the model sees.
 */
export async function reportSessionRead(
  session: PtySession,
  yieldMs: number,
  ctx: ToolContext,
  options: { budgetBytes?: number; notes?: string[] } = {},
): Promise<ToolResult> {
  const unsubscribe = session.onData((text) => ctx.progress({ type: "output_delta", text }));
  let read: SessionRead;
  try {
    read = await session.read(yieldMs, ctx.signal);
  } finally {
    unsubscribe();
  }
  const body = formatTruncatedOutput(read.output, options.budgetBytes ?? ctx.outputBudgetBytes);
  const notes = [...(options.notes ?? [])];
  const live = ctx.ptySessions?.size ?? 0;
  if (live >= PTY_SESSIONS_WARNING) {
    notes.push(`Warning: ${live} interactive sessions are open; end the ones you no longer need.`);
  }
  const exitCode = read.exit?.code ?? null;
  const success = read.exit === null || (exitCode === 0 && !read.exit.spawnError);
  return {
    success,
    output: formatSessionRead(session.id, read, body, notes),
    display: {
      kind: "command",
      command: quoteArgv(session.argv),
      exitCode,
      output: body,
      status: read.exit ? (success ? "completed" : "failed") : "running",
      durationMs: Math.round(read.wallMs),
      sessionId: read.exit ? undefined : session.id,
    },
  };
}

/** The text the model sees for one read of an interactive session. */
export function formatSessionRead(id: number, read: SessionRead, body: string, notes: string[] = []): string {
  const lines = [`Wall time: ${(read.wallMs / 1000).toFixed(4)} seconds`];
  const exit = read.exit;
  if (!exit) lines.push(`Process running with session ID ${id}`);
  else if (exit.spawnError) lines.push(`Process failed to start: ${exit.spawnError}`);
  else if (exit.code !== null) lines.push(`Process exited with code ${exit.code}`);
  else lines.push(`Process was killed by ${exit.signal ?? "an unknown signal"}`);
  lines.push(...notes, "Output:", body);
  return lines.join("\n");
}
