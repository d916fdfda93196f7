import { spawn } from "node:child_process";
import type { SessionEvent } from "../agent/events.js";

/**
 * config.toml's `notify = ["program", "arg", …]`: when a turn completes, the program runs (as the
 * user, outside the sandbox: it is the user's own configuration) with one more argument, the
 * turn's JSON, as Codex does. Fire and forget: nightshift neither waits for it nor reads it.
 */
export function notifyTurnComplete(
  argv: readonly string[] | undefined,
  event: Extract<SessionEvent, { type: "turn_completed" }>,
  context: { sessionId: string; cwd: string; inputMessages: string[] },
  env: NodeJS.ProcessEnv,
): void {
  if (!argv || argv.length === 0 || !argv[0]) return;
  const payload = JSON.stringify({
    type: "agent-turn-complete",
    "thread-id": context.sessionId,
    "turn-id": event.turnId,
    cwd: context.cwd,
    "input-messages": context.inputMessages,
    "last-assistant-message": event.lastAgentMessage,
  });
  try {
    const child = spawn(argv[0], [...argv.slice(1), payload], {
      cwd: context.cwd,
      env,
      stdio: "ignore",
      detached: true,
    });
    child.on("error", () => {});
    child.unref();
  } catch {
    // A notifier that cannot start must not fail the turn.
  }
}
