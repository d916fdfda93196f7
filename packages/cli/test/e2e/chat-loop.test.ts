import fs from "node:fs";
import path from "node:path";
import {
  functionCall,
  type JsonObject,
  reasoning,
  reply,
  type Scenario,
  scenario,
  text,
} from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.js";

let h: Harness;
afterEach(async () => h?.close());

/** The usual harness, with the fake server reached over Chat Completions. */
async function startChatHarness(
  s: Scenario,
  options: { model?: string; config?: string } = {},
): Promise<Harness> {
  const harness = await startHarness(s);
  fs.writeFileSync(
    path.join(harness.home, "config.toml"),
    [
      `model = "${options.model ?? "gpt-oss:20b"}"`,
      `model_provider = "local"`,
      `show_raw_agent_reasoning = true`,
      options.config ?? "",
      "",
      "[model_providers.local]",
      `name = "local chat server"`,
      `base_url = "${harness.server.url}"`,
      `wire_api = "chat"`,
      "stream_idle_timeout_ms = 2000",
      "request_max_retries = 2",
      "stream_max_retries = 2",
      "",
    ].join("\n"),
  );
  return harness;
}

const messagesOf = (harness: Harness, index: number): JsonObject[] =>
  harness.server.requests[index]!.body!.messages;

function expectPrefixChain(harness: Harness): void {
  const requests = harness.server.requests.filter((r) => r.path === "/v1/chat/completions");
  for (let i = 1; i < requests.length; i++) {
    const before = requests[i - 1]!.body!.messages as unknown[];
    expect(requests[i]!.body!.messages.slice(0, before.length)).toEqual(before);
  }
}

const PATCH = "*** Begin Patch\n*** Add File: notes/hello.txt\n+hello from chat\n*** End Patch\n";

describe("the agent loop over Chat Completions", () => {
  it("runs tools, applies a JSON apply_patch, shows reasoning and keeps the message prefix", async () => {
    h = await startChatHarness(
      scenario(
        {
          ...reply(
            reasoning("I will look first."),
            functionCall("shell", { command: ["bash", "-lc", "echo listing"] }, "c1"),
          ),
        },
        {
          match: { lastInput: { role: "tool", contains: "listing" } },
          reasoningField: "think_tags",
          ...reply(
            reasoning("Now write the file."),
            text("Writing it."),
            functionCall("apply_patch", { input: PATCH }, "c2"),
          ),
        },
        {
          match: { lastInput: { role: "tool", contains: "notes/hello.txt" } },
          ...reply(text("Created notes/hello.txt.")),
        },
      ),
      { config: 'model_reasoning_effort = "low"' },
    );
    const result = await h.run(["exec", "-s", "danger-full-access", "create a note"]);
    expect(h.server.failures).toEqual([]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("Created notes/hello.txt.\n");
    expect(result.stderr).toContain("thinking: I will look first.");
    expect(result.stderr).toContain("thinking: Now write the file.");
    expect(fs.readFileSync(path.join(h.workspace, "notes/hello.txt"), "utf8")).toBe("hello from chat\n");

    const first = h.server.requests[0]!;
    expect(first.path).toBe("/v1/chat/completions");
    expect(first.body!.model).toBe("gpt-oss:20b");
    expect(first.body).not.toHaveProperty("parallel_tool_calls");
    expect(first.body!.reasoning_effort).toBe("low");
    const tools = first.body!.tools as { type: string; function: { name: string; parameters: JsonObject } }[];
    expect(tools.every((tool) => tool.type === "function")).toBe(true);
    expect(tools.find((tool) => tool.function.name === "apply_patch")!.function.parameters.required).toEqual([
      "input",
    ]);
    const messages = messagesOf(h, 0);
    expect(messages[0]!.role).toBe("system");
    expect(messages.filter((m) => m.role === "system")).toHaveLength(1);
    expect(messages.at(-1)).toEqual({ role: "user", content: "create a note" });

    const last = messagesOf(h, 2);
    const assistant = last.find((m) => m.role === "assistant" && m.content === "Writing it.");
    expect(assistant!.reasoning_content).toBe("Now write the file.");
    expect(assistant!.tool_calls[0]).toMatchObject({ id: "c2", function: { name: "apply_patch" } });
    expect(last.at(-1)).toMatchObject({ role: "tool", tool_call_id: "c2" });
    expectPrefixChain(h);
  });

  it("handles parallel calls, missing usage and malformed arguments", async () => {
    h = await startChatHarness(
      scenario(
        {
          ...reply(
            functionCall("shell", { command: ["bash", "-lc", "echo one"] }, "p1"),
            functionCall("shell", { command: ["bash", "-lc", "echo two"] }, "p2"),
          ),
          omitUsage: true,
        },
        {
          match: { lastInput: { role: "tool", contains: "two" } },
          ...reply(functionCall("shell", {}, "bad")),
          rawArguments: '{"command": ["bash", "-lc", "echo unfinished',
          omitUsage: true,
        },
        {
          match: { lastInput: { role: "tool", contains: "failed to parse function arguments" } },
          ...reply(text("Recovered.")),
          omitUsage: true,
        },
      ),
      { model: "gpt-5.1-codex" },
    );
    const result = await h.run(["exec", "--json", "-s", "danger-full-access", "do two things"]);
    expect(h.server.failures).toEqual([]);
    expect(result.code).toBe(0);
    expect(h.server.requests[0]!.body!.parallel_tool_calls).toBe(true);
    const events = h.jsonEvents(result);
    const commands = events.filter((e) => e.type === "item.completed" && e.item.type === "command_execution");
    expect(commands.map((e) => [e.item.command, e.item.status])).toEqual([
      ["bash -lc 'echo one'", "completed"],
      ["bash -lc 'echo two'", "completed"],
    ]);
    // A call whose arguments do not parse never started: it is reported as a failed tool call.
    const broken = events.filter((e) => e.type === "item.completed" && e.item.type === "tool_call");
    expect(broken.map((e) => [e.item.tool, e.item.status])).toEqual([["shell", "failed"]]);
    const tools = messagesOf(h, 1).filter((m) => m.role === "tool");
    expect(tools.map((m) => m.tool_call_id)).toEqual(["p1", "p2"]);
    const repaired = messagesOf(h, 2).at(-2);
    expect(JSON.parse(repaired!.tool_calls[0].function.arguments)).toEqual({
      unparsable_arguments: '{"command": ["bash", "-lc", "echo unfinished',
    });
    const usage = events.at(-1)!.usage;
    const bytes = h.server.requests.reduce((sum, r) => sum + Buffer.byteLength(r.rawBody), 0);
    expect(usage.input_tokens).toBeGreaterThanOrEqual(Math.ceil(bytes / 4) - 3);
    expect(usage.input_tokens).toBeLessThanOrEqual(Math.ceil(bytes / 4) + 3);
    expect(usage.output_tokens).toBeGreaterThan(0);
    expect(events.at(-2).item).toMatchObject({ type: "agent_message", text: "Recovered." });
    expectPrefixChain(h);
  });
});
