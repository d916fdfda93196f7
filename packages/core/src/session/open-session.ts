import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Agent, type AgentDeps, type TurnHooks, type TurnSettings } from "../agent/agent.js";
import { History } from "../agent/history.js";
import { outputItemFor } from "../agent/tool-calls.js";
import { UsageLedger } from "../context/ledger.js";
import type { ModelPrices } from "../model/catalog.js";
import { isToolCall, type ResponseItem } from "../model/items.js";
import { type LoadedSession, loadRollout } from "./rollout-reader.js";
import { RolloutWriter, rolloutPathFor } from "./rollout-writer.js";

export type OpenSessionArgs = {
  home: string;
  settings: TurnSettings;
  /** Base instructions for a new session (a resumed one keeps its own). */
  instructions: string;
  providerId: string;
  cliVersion: string;
  /** Continue the session stored in this rollout file. */
  resumeFrom?: string;
  deps: Omit<AgentDeps, "rollout" | "scratchDir" | "ledger">;
  /** Prices per model, for the session's usage ledger (rebuilt from the rollout on resume). */
  priceOf: (model: string) => ModelPrices | null;
  hooks: (loaded: LoadedSession | null) => TurnHooks;
  now: () => Date;
};

export type OpenedSession = {
  agent: Agent;
  rolloutPath: string;
  resumed: boolean;
  warnings: string[];
  loaded: LoadedSession | null;
};

/** Starts a new session or resumes a stored one, rebuilding exactly the history it had. */
export function openSession(args: OpenSessionArgs): OpenedSession {
  const warnings: string[] = [];
  const toolNames = args.deps.tools.names;
  if (args.resumeFrom) {
    const loaded = loadRollout(args.resumeFrom);
    if (loaded.skippedLines > 0)
      warnings.push(`skipped ${loaded.skippedLines} unreadable line(s) in ${args.resumeFrom}`);
    if (loaded.meta.tools.join(",") !== toolNames.join(",")) {
      warnings.push(
        "the tool list differs from the one this session started with; the prompt cache will miss once",
      );
    }
    const rollout = new RolloutWriter(args.resumeFrom, args.now);
    const agent = new Agent({
      sessionId: loaded.meta.id,
      instructions: loaded.meta.instructions,
      settings: args.settings,
      history: new History(loaded.history),
      deps: {
        ...args.deps,
        rollout,
        scratchDir: scratchDirFor(args.home, loaded.meta.id),
        ledger: new UsageLedger(args.priceOf, loaded.usage),
      },
      hooks: args.hooks(loaded),
    });
    for (const item of missingOutputs(loaded)) agent.record(item);
    return { agent, rolloutPath: args.resumeFrom, resumed: true, warnings, loaded };
  }
  const id = randomUUID();
  const created = args.now();
  const rolloutPath = rolloutPathFor(args.home, id, created);
  const rollout = new RolloutWriter(rolloutPath, args.now);
  rollout.append("session_meta", {
    id,
    created_at: created.toISOString(),
    cwd: args.settings.cwd,
    model: args.settings.model,
    model_provider: args.providerId,
    instructions: args.instructions,
    tools: toolNames,
    cli_version: args.cliVersion,
  });
  const agent = new Agent({
    sessionId: id,
    instructions: args.instructions,
    settings: args.settings,
    history: new History(),
    deps: {
      ...args.deps,
      rollout,
      scratchDir: scratchDirFor(args.home, id),
      ledger: new UsageLedger(args.priceOf),
    },
    hooks: args.hooks(null),
  });
  return { agent, rolloutPath, resumed: false, warnings, loaded: null };
}

function scratchDirFor(home: string, id: string): string {
  const dir = path.join(home, "scratch", id);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/**
 * Tool calls of a killed process that have no output in history: the output the tool recorded
 * before the crash, or "aborted". Appended at the end so the stored prefix is untouched.
 */
function missingOutputs(loaded: LoadedSession): ResponseItem[] {
  const answered = new Set<string>();
  for (const item of loaded.history) {
    if (item.type === "function_call_output" || item.type === "custom_tool_call_output")
      answered.add(item.call_id);
  }
  const repairs: ResponseItem[] = [];
  for (const item of loaded.history) {
    if (!isToolCall(item) || answered.has(item.call_id)) continue;
    repairs.push(loaded.pendingOutputs.get(item.call_id) ?? outputItemFor(item, "aborted"));
  }
  return repairs;
}
