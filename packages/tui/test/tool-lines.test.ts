import { describe, expect, it } from "vitest";
import { createPaint } from "../src/render/paint.js";
import type { ToolCallView } from "../src/state/cells.js";
import { Transcript } from "../src/state/transcript.js";
import { toolLines } from "../src/ui/tool-lines.js";

// biome-ignore lint/suspicious/noControlCharactersInRegex: escape codes are what we strip
const strip = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, "");
const done = (call: Partial<ToolCallView>): ToolCallView => ({
  callId: "c",
  name: "some_tool",
  status: "done",
  success: true,
  tail: [],
  lines: 0,
  ...call,
});

describe("tool calls drawn by display kind", () => {
  it("colours a patch's diff, and draws it without colour when colour is off", () => {
    const call = done({
      display: {
        kind: "patch",
        status: "completed",
        changes: [{ path: "src/a.ts", kind: "update", diff: "@@ -1 +1 @@\n-old\n+new\n context" }],
      },
    });
    const colour = toolLines(call, createPaint(true));
    expect(colour).toContain("    \u001b[32m+new\u001b[39m");
    expect(colour).toContain("    \u001b[31m-old\u001b[39m");
    const plain = toolLines(call, createPaint(false));
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for colour codes
    expect(plain.join("\n")).not.toMatch(/\u001b\[3\dm/);
    expect(plain.map(strip)).toEqual([
      "✓ Edited 1 file +1 -1",
      "  M src/a.ts",
      "    @@ -1 +1 @@",
      "    -old",
      "    +new",
      "     context",
    ]);
  });

  it("shows a failed command's exit code and output tail, a plan as a checklist and an MCP call with its result", () => {
    const p = createPaint(false);
    const output = Array.from({ length: 20 }, (_, i) => `out ${i}`).join("\n");
    const failed = toolLines(
      done({
        success: false,
        display: {
          kind: "command",
          command: "make",
          exitCode: 2,
          output,
          status: "failed",
          durationMs: 1500,
        },
      }),
      p,
    ).map(strip);
    expect(failed[0]).toBe("✗ $ make exit 2 · 1.5s");
    expect(failed[1]).toBe("  … 8 earlier lines");
    expect(failed.at(-1)).toBe("  out 19");
    const plan = toolLines(
      done({
        display: {
          kind: "plan",
          explanation: null,
          steps: [
            { step: "read", status: "completed" },
            { step: "fix", status: "in_progress" },
            { step: "test", status: "pending" },
          ],
        },
      }),
      p,
    ).map(strip);
    expect(plan).toEqual(["✓ Plan", "  ✓ read", "  ▸ fix", "  □ test"]);
    const mcp = toolLines(
      done({
        display: {
          kind: "mcp",
          server: "docs",
          tool: "search",
          arguments: { q: "x" },
          result: { content: [{ type: "text", text: "found it" }] },
        },
      }),
      p,
    ).map(strip);
    expect(mcp).toEqual(['✓ docs.search({"q":"x"})', "  found it"]);
    // A tool without a display shows its name and output (no face knows tool names).
    expect(toolLines(done({ output: "fine" }), p).map(strip)).toEqual(["✓ some_tool", "  fine"]);
  });

  it("keeps the blank line between parts of a message committed while it streamed", () => {
    const t = new Transcript();
    t.apply({ type: "agent_message_delta", itemId: "m", delta: "Intro:\n\n```py\nx = 1\n```\n" });
    t.apply({ type: "agent_message", text: "Intro:\n\n```py\nx = 1\n```\n" });
    expect(t.cells.map((cell) => cell.type === "agent" && [cell.first, cell.gap])).toEqual([
      [true, false],
      [false, true],
    ]);
  });
});
