import fs from "node:fs";
import path from "node:path";
import { functionCall, type JsonObject, reply, type Scenario, scenario, text } from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.js";

let h: Harness;
afterEach(async () => h?.close());

async function startChatHarness(s: Scenario, config = ""): Promise<Harness> {
  const harness = await startHarness(s);
  fs.writeFileSync(
    path.join(harness.home, "config.toml"),
    [
      `model = "gpt-oss:20b"`,
      `model_provider = "local"`,
      config,
      "",
      "[model_providers.local]",
      `base_url = "${harness.server.url}"`,
      `wire_api = "chat"`,
      "stream_idle_timeout_ms = 2000",
      "",
    ].join("\n"),
  );
  return harness;
}

const messagesOf = (harness: Harness, index: number): JsonObject[] =>
  harness.server.requests[index]!.body!.messages;

describe("sessions over Chat Completions", () => {
  it("compacts with a model-written summary and continues from the compacted history", async () => {
    h = await startChatHarness(
      scenario(
        reply(functionCall("shell", { command: ["bash", "-lc", "seq 1 4000"] }, "c1")),
        {
          label: "summary",
          match: { lastInput: { role: "user", contains: "Context checkpoint." } },
          ...reply(text("## Goal\nFinish the task. ## Next steps\nSay done.")),
        },
        { label: "after compaction", ...reply(text("Done after compaction.")) },
      ),
      // the long tool output pushes the context over the limit: compaction right after the first response
      "model_auto_compact_token_limit = 4000",
    );
    const result = await h.run(["exec", "--json", "-s", "danger-full-access", "do the long task"]);
    expect(h.server.failures).toEqual([]);
    expect(result.code).toBe(0);
    expect(h.server.requests.map((r) => r.path)).toEqual([
      "/v1/chat/completions",
      "/v1/chat/completions",
      "/v1/chat/completions",
    ]);
    expect(h.server.requests[0]!.body!.usage).toBeUndefined();

    // the summary request is the normal request with the summary prompt appended
    const before = messagesOf(h, 0);
    const summaryRequest = messagesOf(h, 1);
    expect(summaryRequest.slice(0, before.length)).toEqual(before);
    expect(summaryRequest.at(-1)!.content).toContain("Context checkpoint.");
    expect(summaryRequest.some((m) => m.role === "tool" && m.tool_call_id === "c1")).toBe(true);

    // the next request starts over from the compacted history: no tool call, the summary note
    const after = messagesOf(h, 2);
    expect(after[0]).toEqual(before[0]);
    expect(after.some((m) => m.role === "tool" || m.tool_calls)).toBe(false);
    const note = after.find(
      (m) => m.role === "user" && m.content.includes("[nightshift context checkpoint]"),
    );
    expect(note!.content).toContain("Finish the task.");
    expect(after.some((m) => m.role === "user" && m.content.includes("do the long task"))).toBe(true);
    const events = h.jsonEvents(result);
    expect(result.stdout).not.toContain("truncating history instead");
    expect(events.at(-2).item).toMatchObject({ type: "agent_message", text: "Done after compaction." });
  });

  it("resumes the last session with its history mapped to the same messages", async () => {
    h = await startChatHarness(
      scenario(
        reply(functionCall("shell", { command: ["bash", "-lc", "echo first"] }, "c1")),
        { match: { lastInput: { role: "tool", contains: "first" } }, ...reply(text("First turn done.")) },
        { match: { lastInput: { role: "user", contains: "and now?" } }, ...reply(text("Second turn done.")) },
      ),
    );
    const first = await h.run(["exec", "-s", "danger-full-access", "start"]);
    expect(first.code).toBe(0);
    const second = await h.run(["exec", "resume", "--last", "-s", "danger-full-access", "and now?"]);
    expect(h.server.failures).toEqual([]);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe("Second turn done.\n");
    const earlier = messagesOf(h, 1);
    const resumed = messagesOf(h, 2);
    expect(resumed.slice(0, earlier.length)).toEqual(earlier);
    expect(resumed.slice(earlier.length).at(0)).toEqual({ role: "assistant", content: "First turn done." });
    expect(resumed.at(-1)).toEqual({ role: "user", content: "and now?" });
  });
});
