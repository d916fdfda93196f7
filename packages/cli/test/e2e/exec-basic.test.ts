import { functionCall, reply, scenario, text } from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, inputOf, startHarness } from "./harness.js";

let h: Harness;
afterEach(async () => h?.close());

describe("nightshift exec against the fake model server", () => {
  it("answers a prompt and prints the final message on stdout", async () => {
    h = await startHarness(scenario(reply(text("Hello from the model."))));
    const result = await h.run(["exec", "say hello"]);
    expect(result.stderr).not.toContain("error");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("Hello from the model.\n");
    expect(h.server.failures).toEqual([]);
    const body = h.server.requests[0]!.body!;
    expect(body.store).toBe(false);
    expect(body.stream).toBe(true);
    expect(body.tool_choice).toBe("auto");
    expect(body.include).toEqual(["reasoning.encrypted_content"]);
    expect(body.prompt_cache_key).toMatch(/^[0-9a-f-]{36}$/);
    expect(h.server.requests[0]!.headers.session_id).toBe(body.prompt_cache_key);
    expect(body.tools.map((t: { name: string }) => t.name)).toEqual([
      "shell",
      "write_stdin",
      "update_plan",
      "request_user_input",
      "apply_patch",
      "view_image",
      "read_file",
      "list_dir",
      "grep",
    ]);
    const input = inputOf(h.server, 0);
    expect(input[0].role).toBe("developer");
    expect(input[1].role).toBe("user");
    expect(input[1].content.at(-1).text).toContain("<environment_context>");
    expect(input.at(-1)).toEqual({
      type: "message",
      role: "user",
      content: [{ type: "input_text", text: "say hello" }],
    });
  });

  it("runs a multi-step tool loop and sends outputs back in call order", async () => {
    h = await startHarness(
      scenario(
        reply(functionCall("shell", { command: ["bash", "-lc", "echo one"] }, "c1")),
        {
          match: { lastInput: { type: "function_call_output", contains: "one" } },
          response: {
            output: [functionCall("shell", { command: ["bash", "-lc", "echo two; exit 3"] }, "c2")],
          },
        },
        {
          match: { lastInput: { type: "function_call_output", contains: "Exit code: 3" } },
          response: { output: [text("done")] },
        },
      ),
    );
    const result = await h.run(["exec", "--json", "-s", "danger-full-access", "run things"]);
    expect(h.server.failures).toEqual([]);
    expect(result.code).toBe(0);
    const events = h.jsonEvents(result);
    expect(events.map((e) => e.type)).toEqual([
      "thread.started",
      "turn.started",
      "item.started",
      "item.completed",
      "item.started",
      "item.completed",
      "item.completed",
      "turn.completed",
    ]);
    const commands = events.filter((e) => e.type === "item.completed" && e.item.type === "command_execution");
    expect(commands.map((e) => [e.item.command, e.item.exit_code, e.item.status])).toEqual([
      ["bash -lc 'echo one'", 0, "completed"],
      ["bash -lc 'echo two; exit 3'", 3, "failed"],
    ]);
    expect(events.at(-2).item).toMatchObject({ type: "agent_message", text: "done" });
    expect(events.at(-1).usage).toHaveProperty("cached_input_tokens");
  });
});
