import type { AgentEvent, ToolDisplay } from "@nightshift/core";
import { describe, expect, it } from "vitest";
import { Transcript } from "../src/state/transcript.js";

const usage = {
  input_tokens: 1,
  cached_input_tokens: 0,
  output_tokens: 1,
  reasoning_output_tokens: 0,
  total_tokens: 2,
};
const command = (status: "running" | "completed" | "failed", output = ""): ToolDisplay => ({
  kind: "command",
  command: "make test",
  exitCode: status === "running" ? null : status === "completed" ? 0 : 2,
  output,
  status,
});

function feed(t: Transcript, events: AgentEvent[]) {
  for (const event of events) t.apply(event);
}

describe("the transcript built from the host's events", () => {
  it("commits a streaming message block by block and keeps only the growing rest live", () => {
    const t = new Transcript();
    feed(t, [
      { type: "turn_started", turnId: "t1" },
      { type: "agent_message_delta", itemId: "m", delta: "First para" },
      { type: "agent_message_delta", itemId: "m", delta: "graph.\n\nSecond " },
    ]);
    expect(t.cells).toEqual([
      expect.objectContaining({ type: "agent", markdown: "First paragraph.\n\n", first: true }),
    ]);
    expect(t.live.message).toBe("Second ");
    feed(t, [
      { type: "agent_message_delta", itemId: "m", delta: "one." },
      { type: "agent_message", text: "First paragraph.\n\nSecond one." },
    ]);
    expect(t.cells.map((cell) => cell.type === "agent" && [cell.markdown, cell.first])).toEqual([
      ["First paragraph.\n\n", true],
      ["Second one.", false],
    ]);
    expect(t.live.message).toBeNull();
  });

  it("shows a running command's live tail, then the finished call by its display", () => {
    const t = new Transcript();
    t.apply({
      type: "tool_call_started",
      callId: "c1",
      name: "shell",
      input: {},
      display: command("running"),
    });
    t.apply({ type: "tool_call_progress", callId: "c1", text: "line 1\nline 2\nli" });
    t.apply({ type: "tool_call_progress", callId: "c1", text: "ne 3\n" });
    for (let i = 4; i <= 10; i++) t.apply({ type: "tool_call_progress", callId: "c1", text: `line ${i}\n` });
    const [running] = t.live.tools;
    expect(running).toMatchObject({
      status: "running",
      lines: 10,
      tail: ["line 6", "line 7", "line 8", "line 9", "line 10"],
    });
    t.apply({
      type: "tool_call_completed",
      callId: "c1",
      name: "shell",
      input: {},
      success: false,
      output: "Exit code: 2",
      display: command("failed", "boom"),
    });
    expect(t.live.tools).toEqual([]);
    expect(t.cells.at(-1)).toMatchObject({
      type: "tool",
      call: { status: "done", success: false, display: { kind: "command", exitCode: 2 } },
    });
  });

  it("records approvals with their question, and ends a turn's unfinished pieces when it fails", () => {
    const t = new Transcript();
    feed(t, [
      {
        type: "approval_requested",
        callId: "c1",
        request: { callId: "c1", kind: "exec", summary: "rm -rf build" },
      },
      { type: "approval_answered", callId: "c1", decision: "approved_for_session" },
      { type: "reasoning_delta", itemId: "r", delta: "Thinking about it" },
      { type: "tool_call_started", callId: "c2", name: "shell", input: {}, display: command("running") },
      { type: "agent_message_delta", itemId: "m", delta: "Half a sen" },
      {
        type: "turn_failed",
        turnId: "t",
        usage,
        error: { message: "turn aborted by user", kind: "aborted" },
      },
    ]);
    expect(t.cells.map((cell) => cell.type)).toEqual(["approval", "reasoning", "agent", "tool", "notice"]);
    expect(t.cells[0]).toMatchObject({ summary: "rm -rf build", decision: "approved_for_session" });
    expect(t.cells.at(-1)).toMatchObject({ level: "warning", text: expect.stringContaining("Interrupted") });
    expect(t.live).toEqual({ message: null, reasoning: null, tools: [] });
  });

  it("hands out a new array of cells only when a cell was added", () => {
    const t = new Transcript();
    const before = t.cells;
    expect(t.cells).toBe(before);
    t.add({ type: "notice", level: "info", text: "hi" });
    expect(t.cells).not.toBe(before);
    expect(t.cells).toBe(t.cells);
  });
});
