import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { userMessage } from "../../src/model/items.js";
import { loadRollout } from "../../src/session/rollout-reader.js";
import { RolloutWriter, rolloutPathFor } from "../../src/session/rollout-writer.js";

let home: string;
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), "ns-rollout-"));
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

const meta = (id: string) => ({
  id,
  created_at: "2026-11-21T00:00:00.000Z",
  cwd: "/w",
  model: "m",
  model_provider: "p",
  instructions: "i",
  tools: [],
  cli_version: "0",
});

describe("rollout files", () => {
  it("round-trips items, tool outputs, turn context and usage", () => {
    const file = rolloutPathFor(home, "abc", new Date("2026-11-21T10:11:12Z"));
    expect(file).toBe(path.join(home, "sessions/2026/11/21/rollout-2026-11-21T10-11-12-abc.jsonl"));
    const writer = new RolloutWriter(file, () => new Date(0));
    writer.append("session_meta", meta("abc"));
    writer.append("response_item", userMessage("hello"));
    writer.append("response_item", { type: "function_call", name: "shell", arguments: "{}", call_id: "c1" });
    writer.append("tool_output", { type: "function_call_output", call_id: "c1", output: "done" });
    writer.close();
    const loaded = loadRollout(file);
    expect(loaded.history).toHaveLength(2);
    expect(loaded.pendingOutputs.get("c1")).toEqual({
      type: "function_call_output",
      call_id: "c1",
      output: "done",
    });
  });

  it("ends a torn last line before appending, so nothing written after a crash is lost", () => {
    const file = rolloutPathFor(home, "torn", new Date(0));
    const writer = new RolloutWriter(file, () => new Date(0));
    writer.append("session_meta", meta("torn"));
    writer.append("response_item", userMessage("first"));
    writer.close();
    fs.appendFileSync(file, '{"timestamp":"x","type":"response_item","payload":{"type":"mess'); // killed mid-write
    const resumed = new RolloutWriter(file, () => new Date(0));
    resumed.append("response_item", userMessage("second"));
    resumed.close();
    const loaded = loadRollout(file);
    expect(loaded.skippedLines).toBe(1);
    expect(
      loaded.history.map((item) =>
        item.type === "message" ? item.content[0]!.type === "input_text" && item.content[0]!.text : "",
      ),
    ).toEqual(["first", "second"]);
  });

  it("replaces history at a compaction and keeps what follows", () => {
    const file = rolloutPathFor(home, "c", new Date(0));
    const writer = new RolloutWriter(file, () => new Date(0));
    writer.append("session_meta", meta("c"));
    writer.append("response_item", userMessage("old"));
    writer.append("compacted", { replacement_history: [userMessage("summary")], reason: "auto:local" });
    writer.append("response_item", userMessage("new"));
    writer.close();
    expect(loadRollout(file).history).toEqual([userMessage("summary"), userMessage("new")]);
  });

  it("refuses a file that is not a session", () => {
    const file = path.join(home, "x.jsonl");
    fs.writeFileSync(file, '{"type":"response_item","payload":{}}\n');
    expect(() => loadRollout(file)).toThrow(/not a nightshift session/);
    fs.writeFileSync(file, "");
    expect(() => loadRollout(file)).toThrow(/is empty/);
  });

  it("drops tool outputs whose call line was lost, and says how many", () => {
    const file = rolloutPathFor(home, "orphan", new Date(0));
    const writer = new RolloutWriter(file, () => new Date(0));
    writer.append("session_meta", meta("orphan"));
    writer.append("response_item", userMessage("go"));
    writer.close();
    fs.appendFileSync(
      file,
      '{"timestamp":"x","type":"response_item","payload":{"type":"function_call","na\n',
    );
    fs.appendFileSync(
      file,
      `${JSON.stringify({ timestamp: "x", type: "response_item", payload: { type: "function_call_output", call_id: "lost", output: "ok" } })}\n`,
    );
    const loaded = loadRollout(file);
    expect(loaded.droppedOrphanOutputs).toBe(1);
    expect(loaded.skippedLines).toBe(1);
    expect(loaded.history).toEqual([userMessage("go")]);
  });
});
