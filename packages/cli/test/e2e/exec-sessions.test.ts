import fs from "node:fs";
import path from "node:path";
import { functionCall, reasoning, reply, scenario, text } from "@nightshift/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { type Harness, inputOf, startHarness } from "./harness.js";
import { firstPrefixBreak, inputPrefix } from "./prefix.js";

let h: Harness;
afterEach(async () => h?.close());

function waitForFile(file: string): Promise<void> {
  return new Promise((resolve) => {
    const dir = path.dirname(file);
    const watcher = fs.watch(dir, () => {
      if (fs.existsSync(file)) {
        watcher.close();
        resolve();
      }
    });
    if (fs.existsSync(file)) {
      watcher.close();
      resolve();
    }
  });
}

describe("sessions", () => {
  it("keeps every request a byte-for-byte extension of the previous one over 50 requests and a resume", async () => {
    let n = 0;
    const step = () => {
      n++;
      if (n === 25 || n === 50) return reply(text(`pause ${n}`));
      return n % 3 === 0
        ? reply(
            reasoning(`thinking ${n}`, `enc-${n}`),
            functionCall("update_plan", { plan: [{ step: `step ${n}`, status: "in_progress" }] }),
          )
        : reply(functionCall("shell", { command: ["echo", `call ${n}`] }));
    };
    h = await startHarness(scenario({ generate: step, times: 50 }));
    const first = await h.run(["exec", "-s", "danger-full-access", "start the long job"]);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe("pause 25\n");
    const second = await h.run(["exec", "resume", "--last", "-s", "danger-full-access", "keep going"]);
    expect(second.stderr).toContain("(resumed)");
    expect(second.code).toBe(0);
    expect(second.stdout).toBe("pause 50\n");
    expect(h.server.failures).toEqual([]);
    expect(h.server.requests).toHaveLength(50);
    expect(firstPrefixBreak(h.server.requests)).toBe(-1);
    const keys = new Set(h.server.requests.map((r) => r.body!.prompt_cache_key));
    expect(keys.size).toBe(1);
    const instructions = new Set(h.server.requests.map((r) => r.body!.instructions));
    expect(instructions.size).toBe(1);
    // The resumed request appends only the new user message (the settings did not change).
    const resumedInput = inputOf(h.server, 25);
    expect(resumedInput.length).toBe(inputOf(h.server, 24).length + 2);
    expect(resumedInput.at(-1).content[0].text).toBe("keep going");
    // Reasoning comes back with its encrypted content and without server ids.
    const sentReasoning = resumedInput.find((item: { type: string }) => item.type === "reasoning");
    expect(sentReasoning).toEqual({
      type: "reasoning",
      summary: [{ type: "summary_text", text: "thinking 3" }],
      encrypted_content: "enc-3",
    });
    expect(JSON.stringify(resumedInput)).not.toMatch(/"id":"(rs|fc|msg)_/);
  });

  it("resumes a session killed with SIGKILL mid-turn, losing only the work in flight", async () => {
    const marker = "started.marker";
    h = await startHarness(
      scenario(
        reply(
          functionCall("shell", { command: ["bash", "-lc", "echo quick"] }, "quick"),
          functionCall("shell", { command: ["bash", "-lc", `touch ${marker}; exec sleep 60`] }, "slow"),
        ),
        {
          match: { lastInput: { type: "message", contains: "what happened?" } },
          response: { output: [text("The slow command was interrupted.")] },
        },
      ),
    );
    const child = h.spawn(["exec", "--json", "-s", "danger-full-access", "run both"]);
    child.stdin!.end();
    await waitForFile(path.join(h.workspace, marker));
    child.kill("SIGKILL");
    await new Promise((resolve) => child.on("close", resolve));

    const result = await h.run([
      "exec",
      "resume",
      "--last",
      "--json",
      "-s",
      "danger-full-access",
      "what happened?",
    ]);
    expect(h.server.failures).toEqual([]);
    expect(result.code).toBe(0);
    const input = inputOf(h.server, 1);
    expect(h.server.requests[1]!.rawBody.startsWith(inputPrefix(h.server.requests[0]!.rawBody))).toBe(true);
    const outputs = input.filter((item: { type: string }) => item.type === "function_call_output");
    expect(outputs.map((o: { call_id: string }) => o.call_id)).toEqual(["quick", "slow"]);
    expect(outputs[0].output).toContain("quick");
    expect(outputs[1].output).toBe("aborted");
    expect(input.at(-1).content[0].text).toBe("what happened?");
  });

  it("resumes by id, and says clearly when the id is unknown", async () => {
    h = await startHarness(scenario(reply(text("one")), reply(text("two"))));
    const first = await h.run(["exec", "--json", "first"]);
    const threadId = h.jsonEvents(first)[0]!.thread_id as string;
    const second = await h.run(["exec", "resume", threadId.slice(0, 8), "second"]);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe("two\n");
    expect(h.server.requests[1]!.body!.prompt_cache_key).toBe(threadId);
    const missing = await h.run(["exec", "resume", "does-not-exist", "third"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no session with id "does-not-exist"/);
  });
});

describe("the JSONL event stream", () => {
  it("reports reasoning, commands, file changes, the plan and usage like codex exec --json", async () => {
    const patch = "*** Begin Patch\n*** Add File: hello.txt\n+hi\n*** End Patch";
    h = await startHarness(
      scenario(
        reply(
          reasoning("Planning the work", "enc-1"),
          functionCall("update_plan", {
            plan: [
              { step: "write file", status: "in_progress" },
              { step: "check", status: "pending" },
            ],
          }),
        ),
        reply({ type: "custom_tool_call", name: "apply_patch", input: patch, call_id: "p1" }),
        reply(functionCall("shell", { command: ["cat", "hello.txt"] })),
        reply(
          functionCall("update_plan", {
            plan: [
              { step: "write file", status: "completed" },
              { step: "check", status: "completed" },
            ],
          }),
        ),
        reply(text("All done.")),
      ),
    );
    const result = await h.run(["exec", "--json", "--full-auto", "write hello"]);
    expect(h.server.failures).toEqual([]);
    expect(result.code).toBe(0);
    const events = h.jsonEvents(result);
    const items = events.filter((e) => e.type.startsWith("item.")).map((e) => `${e.type}:${e.item.type}`);
    expect(items).toEqual([
      "item.completed:reasoning",
      "item.started:todo_list",
      "item.started:file_change",
      "item.completed:file_change",
      "item.started:command_execution",
      "item.completed:command_execution",
      "item.updated:todo_list",
      "item.completed:agent_message",
      "item.completed:todo_list",
    ]);
    const fileChange = events.find((e) => e.type === "item.completed" && e.item.type === "file_change");
    expect(fileChange.item.changes).toEqual([{ path: "hello.txt", kind: "add" }]);
    expect(fileChange.item.status).toBe("completed");
    const command = events.find((e) => e.type === "item.completed" && e.item.type === "command_execution");
    expect(command.item).toMatchObject({ command: "cat hello.txt", exit_code: 0, status: "completed" });
    expect(command.item.aggregated_output).toContain("hi");
    const todo = events.at(-2);
    expect(todo.item.items).toEqual([
      { text: "write file", completed: true },
      { text: "check", completed: true },
    ]);
    const usage = events.at(-1).usage;
    expect(usage.input_tokens).toBeGreaterThan(0);
    expect(usage.cached_input_tokens).toBeGreaterThan(0);
    expect(fs.readFileSync(path.join(h.workspace, "hello.txt"), "utf8")).toBe("hi\n");
  });

  it("reads the prompt from stdin, writes -o, and sends --output-schema as a strict format", async () => {
    h = await startHarness(scenario(reply(text('{"ok":true}'))));
    const schemaFile = path.join(h.workspace, "schema.json");
    fs.writeFileSync(
      schemaFile,
      JSON.stringify({
        type: "object",
        properties: { ok: { type: "boolean" } },
        required: ["ok"],
        additionalProperties: false,
      }),
    );
    const result = await h.run(["exec", "-o", "last.txt", "--output-schema", "schema.json", "-"], {
      input: "prompt from stdin\n",
    });
    expect(result.code).toBe(0);
    expect(fs.readFileSync(path.join(h.workspace, "last.txt"), "utf8")).toBe('{"ok":true}');
    const body = h.server.requests[0]!.body!;
    expect(body.text.format).toMatchObject({ type: "json_schema", strict: true });
    expect(body.input.at(-1).content[0].text).toBe("prompt from stdin\n");
  });

  it("applies -c overrides and profiles, and rejects bad config with the key named", async () => {
    h = await startHarness(scenario(reply(text("ok")), reply(text("still ok"))), {
      config: '[profiles.deep]\nmodel = "gpt-5.4"\nmodel_reasoning_effort = "high"\n',
    });
    const result = await h.run(["exec", "-p", "deep", "-c", 'model_verbosity="low"', "hi"]);
    expect(result.code).toBe(0);
    const body = h.server.requests[0]!.body!;
    expect(body.model).toBe("gpt-5.4");
    expect(body.reasoning).toEqual({ effort: "high", summary: "auto" });
    expect(body.text).toEqual({ verbosity: "low" });
    const bad = await h.run(["exec", "-c", "sandbox_mode=sideways", "hi"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/sandbox_mode/);
    // An unknown key is ignored with one warning naming where it came from, or refused when strict.
    const strict = await h.run(["exec", "--strict-config", "-c", "modle=x", "hi"]);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/unknown configuration key\(s\): "modle" \(-c\)/);
    const typo = await h.run(["exec", "-c", "modle=x", "hi"]);
    expect(typo.code).toBe(0);
    expect(typo.stderr).toMatch(/ignoring configuration key\(s\) nightshift does not know: modle \(-c\)/);
  });

  it("accepts a real Codex config.toml, warning once about the keys it ignores", async () => {
    h = await startHarness(scenario(reply(text("ok"))), {
      config: [
        "hide_agent_reasoning = true",
        'file_opener = "vscode"',
        "[features]",
        "web_search_request = true",
        '[projects."/some/where"]',
        'trust_level = "trusted"',
      ].join("\n"),
    });
    const result = await h.run(["exec", "hi"]);
    expect(result.code).toBe(0);
    const warnings = result.stderr
      .split("\n")
      .filter((line) => line.startsWith("warning: ignoring configuration"));
    expect(warnings).toHaveLength(1);
    for (const key of ["hide_agent_reasoning", "file_opener", "features", "projects"])
      expect(warnings[0]).toContain(key);
  });

  it("reads -p NAME from NAME.config.toml beside config.toml, as Codex does", async () => {
    h = await startHarness(scenario(reply(text("ok"))));
    fs.writeFileSync(
      path.join(h.home, "fast.config.toml"),
      'model = "gpt-5.4"\nmodel_reasoning_effort = "low"\n',
    );
    const result = await h.run(["exec", "-p", "fast", "hi"]);
    expect(result.code).toBe(0);
    expect(h.server.requests[0]!.body!.model).toBe("gpt-5.4");
    expect(h.server.requests[0]!.body!.reasoning.effort).toBe("low");
  });
});
