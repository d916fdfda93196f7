import fs from "node:fs";
import path from "node:path";
import type { ResponseItem, Usage } from "../model/items.js";
import type { RolloutLine, SessionMeta, TurnContext } from "./rollout-types.js";

export type LoadedSession = {
  meta: SessionMeta;
  /** History as the next request will send it (compactions applied). */
  history: ResponseItem[];
  /** Outputs of tools that finished but were not yet drained into history when the process died. */
  pendingOutputs: Map<string, ResponseItem>;
  lastTurnContext: TurnContext | null;
  usage: { model: string; usage: Usage; cost_usd: number | null }[];
  /** Lines that could not be parsed (e.g. the torn last line of a killed process). */
  skippedLines: number;
};

/** Reads a rollout file back into the state a resumed session starts from. */
export function loadRollout(filePath: string): LoadedSession {
  const text = fs.readFileSync(filePath, "utf8");
  let meta: SessionMeta | null = null;
  let history: ResponseItem[] = [];
  const pendingOutputs = new Map<string, ResponseItem>();
  let lastTurnContext: TurnContext | null = null;
  const usage: LoadedSession["usage"] = [];
  let skippedLines = 0;
  for (const raw of text.split("\n")) {
    if (raw.trim() === "") continue;
    let line: RolloutLine;
    try {
      line = JSON.parse(raw) as RolloutLine;
    } catch {
      skippedLines++;
      continue;
    }
    switch (line.type) {
      case "session_meta":
        meta ??= line.payload;
        break;
      case "response_item":
        history.push(line.payload);
        if ("call_id" in line.payload && line.payload.type.endsWith("_output")) {
          pendingOutputs.delete(line.payload.call_id);
        }
        break;
      case "tool_output":
        if ("call_id" in line.payload) pendingOutputs.set(line.payload.call_id, line.payload);
        break;
      case "turn_context":
        lastTurnContext = line.payload;
        break;
      case "usage":
        usage.push(line.payload);
        break;
      case "compacted":
        history = [...line.payload.replacement_history];
        break;
      default:
        break;
    }
  }
  if (!meta) throw new Error(`${filePath} is not a nightshift session (no session_meta line)`);
  return { meta, history, pendingOutputs, lastTurnContext, usage, skippedLines };
}

/** Finds a session's rollout by id (or unique id prefix), or the most recent one. */
export function findRollout(home: string, query: { id: string } | { last: true }): string | null {
  const root = path.join(home, "sessions");
  const files = listRollouts(root);
  if ("last" in query) return files[0] ?? null;
  const matches = files.filter((file) => sessionIdOf(file).startsWith(query.id));
  if (matches.length > 1 && !matches.every((file) => sessionIdOf(file) === sessionIdOf(matches[0]!))) {
    throw new Error(`session id prefix "${query.id}" is ambiguous; give more characters`);
  }
  return matches[0] ?? null;
}

const ROLLOUT_NAME = /^rollout-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-(.+)\.jsonl$/;

export function sessionIdOf(file: string): string {
  return ROLLOUT_NAME.exec(path.basename(file))?.[1] ?? "";
}

/** All rollout files, most recently written first (ties broken by name, which carries the start time). */
export function listRollouts(root: string): string[] {
  const found: { file: string; mtime: number }[] = [];
  const walk = (dir: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && depth < 3) walk(full, depth + 1);
      else if (entry.isFile() && ROLLOUT_NAME.test(entry.name))
        found.push({ file: full, mtime: fs.statSync(full).mtimeMs });
    }
  };
  walk(root, 0);
  found.sort((a, b) => b.mtime - a.mtime || b.file.localeCompare(a.file));
  return found.map((entry) => entry.file);
}
